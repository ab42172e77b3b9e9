/** Palettes the hash picks for prompts without a palette word, and where a palette is dark or bright. */
import { paletteThrough, type CosinePalette } from "./lexicon.ts";

function hsl(h: number, sat: number, l: number): string {
  const a = sat * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const v = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(v * 255)
      .toString(16)
      .padStart(2, "0");
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/** A palette from the hash alone: a dark, a saturated middle and a light colour on a hue scheme. */
export function hashPalette(r: () => number): CosinePalette {
  const h = r() * 360;
  const steps = [30, 60, 120, 150, -40, -90];
  const step = steps[Math.floor(r() * steps.length)]!;
  return paletteThrough(
    hsl(h, 0.5 + r() * 0.4, 0.08 + r() * 0.12),
    hsl((h + step + 360) % 360, 0.65 + r() * 0.3, 0.42 + r() * 0.14),
    hsl((h + 2 * step + 720) % 360, 0.5 + r() * 0.4, 0.78 + r() * 0.12),
  );
}

/** luminance of the palette at t */
function paletteLuma(p: CosinePalette, t: number): number {
  const ch = (i: number) => p.a[i]! + p.b[i]! * Math.cos(2 * Math.PI * (p.c[i]! * t + p.d[i]!));
  return 0.2126 * ch(0) + 0.7152 * ch(1) + 0.0722 * ch(2);
}

/** Where (in t) a palette is darkest and brightest (64 samples). */
export function paletteExtremes(p: CosinePalette): { dark: number; bright: number } {
  let dark = 0;
  let bright = 0;
  for (let i = 1; i < 64; i++) {
    const t = i / 64;
    if (paletteLuma(p, t) < paletteLuma(p, dark)) dark = t;
    if (paletteLuma(p, t) > paletteLuma(p, bright)) bright = t;
  }
  return { dark, bright };
}
