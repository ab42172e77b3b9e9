/**
 * Conditioning of the art model v2: the prompt (through the lexicon, then a hash of the whole
 * prompt for everything the lexicon leaves open) sets palette, composition and style; the job's
 * seed sets only the phases of the frequency banks (and a small jitter), so the same prompt with a
 * new seed is a variation: same composition and palette, new shapes. All of it comes from SHA-256
 * streams: the same (prompt, seed) gives the same inputs on every machine.
 */
import { hashStream, normalizePrompt } from "../conditioning.ts";
import { ART_LATENT_DIM, LATENT_GROUPS, PHASE_GROUPS, SCALARS, type ScalarName } from "./layout.ts";
import {
  LEXICON_INDEX,
  paletteThrough,
  type Composition,
  type CosinePalette,
  type LexiconEntry,
} from "./lexicon.ts";

export interface ArtConditioning {
  /** latent [Z]: phases then style scalars (layout.ts) */
  latent: Float32Array;
  /** cosine palette rows a, b, c, d (4 × RGB) */
  palette: Float32Array;
  composition: Composition;
  /** field-space transform */
  transform: {
    zoom: number;
    /** the field drawn out along one axis by this factor (1: isotropic): strata, grain, streaks */
    stretch: number;
    rotation: number;
    folds: number;
    swirl: number;
    /** focus (screen space) */
    cx: number;
    cy: number;
    /** field offset */
    ox: number;
    oy: number;
  };
  style: Record<ScalarName, number>;
  /** lexicon words found in the prompt, by category (for metadata and tests) */
  matched: string[];
}

const DEFAULTS: Record<ScalarName, [number, number]> = {
  warp1: [0.3, 0.7],
  warp2: [0.05, 0.16],
  detail: [0.4, 1.0],
  siren: [0.3, 1.0],
  tScale: [0.45, 0.8],
  tOffset: [0, 1],
  focusX: [-0.35, 0.35],
  focusY: [-0.35, 0.15],
  glowK: [2, 6],
  focusT: [-0.3, 0.3],
  lineFreq: [3, 8],
  lines: [0, 0.25],
  creaseK: [6, 14],
  crease: [0.05, 0.3],
  orbR: [0.14, 0.26],
  orbT: [0, 1],
  orb: [0, 0],
  glow: [0.04, 0.16],
  horizon: [0.3, 0.72],
  skyT: [0, 1],
  skySpan: [0.2, 0.45],
  clouds: [0.12, 0.3],
  hills: [0.15, 0.4],
  groundT: [0, 1],
  haze: [0.25, 0.6],
  land: [0, 0],
  grain: [0.02, 0.06],
  vignette: [0.04, 0.16],
  exposure: [0.92, 1.04],
  terrace: [0, 0.7],
  orbTex: [0.3, 0.7],
  orbShade: [0.7, 1],
  water: [0, 0],
  relief: [0.03, 0.1],
  lightX: [-1, 1],
  lightY: [-1, 0],
};

const COMPOSITIONS: [Composition, number][] = [
  ["field", 0.34],
  ["land", 0.2],
  ["radial", 0.14],
  ["centered", 0.14],
  ["spiral", 0.12],
  ["mirror", 0.06],
];

/**
 * Where the light falls in a field composition: a point of the rule-of-thirds grid (x, y in units of
 * the half-frame), the centre as rarely as any other point. With the glow and the vignette around
 * it, this sets the image's large-scale light — what a glance (and a perceptual hash) sees first —
 * so that two prompts differ in layout, not only in texture and palette.
 */
const THIRDS: [number, number][] = [
  [-1, -1],
  [0, -1],
  [1, -1],
  [-1, 0],
  [0, 0],
  [1, 0],
  [-1, 1],
  [0, 1],
  [1, 1],
];

function pickWeighted<T>(items: [T, number][], u: number): T {
  let acc = 0;
  for (const [item, w] of items) {
    acc += w;
    if (u < acc) return item;
  }
  return items[items.length - 1]![0];
}

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
function hashPalette(r: () => number): CosinePalette {
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

export function lexiconMatches(normalized: string): { word: string; entries: LexiconEntry[] }[] {
  const out: { word: string; entries: LexiconEntry[] }[] = [];
  for (const word of normalized.split(/[^\p{L}\p{N}-]+/u)) {
    const entries = LEXICON_INDEX.get(word) ?? LEXICON_INDEX.get(word.replace(/s$/, ""));
    if (entries) out.push({ word, entries });
  }
  return out;
}

export function artConditionFor(prompt: string, seed: string): ArtConditioning {
  const normalized = normalizePrompt(prompt);
  const pr = hashStream(`atelier/art-v2/prompt/${normalized}`);
  const sr = hashStream(`atelier/art-v2/seed/${seed.toLowerCase()}`);
  const matches = lexiconMatches(normalized);
  const entries = matches.flatMap((m) => m.entries);

  const style = {} as Record<ScalarName, number>;
  for (const name of SCALARS) {
    const [lo, hi] = DEFAULTS[name];
    style[name] = lo + pr() * (hi - lo);
  }
  let composition = pickWeighted(COMPOSITIONS, pr());
  if (pr() < 0.3) style.orb = 1; // a focal orb now and then, even without a word for it
  let palette = hashPalette(pr);
  const named = entries.find((e) => e.palette);
  if (named?.palette) palette = named.palette;
  const composed = entries.findLast((e) => e.composition); // the last composition word wins
  if (composed?.composition) composition = composed.composition;

  // composition defaults, then the words' settings, then their scalings
  const transform = {
    // log-uniform over 3× : the same field reads as broad shapes or as a fine pattern
    zoom: 0.6 * Math.exp(pr() * Math.log(3)),
    stretch: 1,
    rotation: pr() * Math.PI * 2,
    folds: 5 + Math.floor(pr() * 8),
    swirl: 0,
    cx: 0,
    cy: 0,
    ox: (pr() - 0.5) * 4,
    oy: (pr() - 0.5) * 4,
  };
  if (composition === "land") {
    // a sky from the palette's darkest colour at the top to its brightest at the horizon
    const { dark, bright } = paletteExtremes(palette);
    const span = (((bright - dark) % 1) + 1) % 1;
    style.land = 1;
    style.skySpan = span / style.horizon;
    style.skyT = dark + (pr() - 0.5) * 0.06;
    style.groundT = dark + (pr() - 0.5) * 0.2;
    // the light of a landscape in one of four layouts: a dark zenith over a bright horizon (dusk), or
    // a bright zenith deepening toward a hazy horizon (day, mist); dark ground or bright ground
    // (snow, sand, a lit plain) — not every landscape a bright band across the middle
    if (pr() < 0.4) {
      style.skyT = bright - 0.02;
      style.skySpan = -(span * 0.75) / style.horizon;
    }
    if (pr() < 0.4) style.groundT = bright - 0.12 - pr() * 0.1;
    style.orb = Math.max(style.orb, pr() < 0.7 ? 1 : 0);
    style.orbT = bright + 0.02;
    style.focusY = style.horizon * 2 - 1 - (0.25 + pr() * 0.35); // the sun above the horizon
    style.focusX = (pr() < 0.5 ? -1 : 1) * (0.25 + pr() * 0.55); // the sun off the middle, on a side
    style.orbShade = 0;
    style.orbTex = 0.05 + pr() * 0.1;
    style.orbR = 0.08 + pr() * 0.08;
    transform.rotation = 0;
  } else if (composition === "radial" || composition === "centered" || composition === "spiral") {
    // the centre of the figure on a third of the frame as often as in the middle: a centred figure
    // under a vignette in every image makes every image bright in the middle
    const offCentre = pr() < 0.5;
    const [gx, gy] = THIRDS[Math.floor(pr() * THIRDS.length)]!;
    style.focusX = offCentre ? (gx || (pr() < 0.5 ? -1 : 1)) * (0.2 + pr() * 0.25) : 0;
    style.focusY = offCentre ? gy * (0.15 + pr() * 0.25) : composition === "centered" ? -0.05 : 0;
    if (composition === "centered") {
      style.orb = 1;
      style.orbR = 0.3 + pr() * 0.16;
      style.glow = Math.max(style.glow, 0.18);
    }
    if (composition === "spiral") transform.swirl = 2.2 + pr() * 2.5;
  }
  if ((composition === "field" || composition === "centered") && pr() < 0.35) {
    // strata: the same field drawn out along one direction (sediment, wood grain, rain, wind)
    transform.stretch = 2.2 + pr() * 1.6;
  }
  if (composition === "field" || composition === "mirror") {
    const [gx, gy] = THIRDS[Math.floor(pr() * THIRDS.length)]!;
    style.focusX = (composition === "mirror" ? 0 : gx * (0.6 + pr() * 0.35)) + (pr() - 0.5) * 0.1;
    style.focusY = gy * (0.6 + pr() * 0.35) + (pr() - 0.5) * 0.1;
  }
  if (composition === "radial" || composition === "mirror" || composition === "spiral") {
    // folding multiplies the pattern: calm it so the result stays readable (and watermarkable)
    style.detail *= 0.6;
    style.tScale *= 0.75;
    style.lines *= 0.6;
    style.warp2 *= 0.7;
  }
  if (composition !== "land" && pr() < 0.4) {
    // light from the rim: darker toward the focus, brighter toward the frame (a porthole, a dark
    // heart, a silhouette against the light) — the other half of the layouts a focal glow gives
    style.vignette = -(0.08 + pr() * 0.1);
    style.glow = -(0.03 + pr() * 0.06);
    if (composition === "centered") style.orbT = paletteExtremes(palette).dark + 0.03;
  }
  for (const e of entries)
    for (const [k, range] of Object.entries(e.set ?? {}) as [ScalarName, [number, number]][])
      style[k] = range[0] + pr() * (range[1] - range[0]);
  for (const e of entries)
    for (const [k, f] of Object.entries(e.scale ?? {}) as [ScalarName, number][]) style[k] *= f;
  if (composition === "land") {
    // the sun or moon clears the highest ridges
    const ridgeTop = (style.horizon - style.hills * 0.75) * 2 - 1;
    style.focusY = Math.max(-0.75, Math.min(style.focusY, ridgeTop - style.orbR * 1.2));
  }
  transform.cx = style.focusX;
  transform.cy = style.focusY;

  // the seed: phases, and a small jitter that keeps the composition
  const latent = new Float32Array(ART_LATENT_DIM);
  for (const gname of PHASE_GROUPS) {
    const { offset, size } = LATENT_GROUPS[gname];
    for (let j = 0; j < size; j++) latent[offset + j] = sr() * Math.PI * 2;
  }
  style.tOffset += (sr() - 0.5) * 0.3;
  transform.zoom *= 0.85 + sr() * 0.35;
  transform.ox += (sr() - 0.5) * 2;
  transform.oy += (sr() - 0.5) * 2;
  if (composition !== "radial" && composition !== "centered" && composition !== "spiral") {
    style.focusX += (sr() - 0.5) * 0.4;
    if (composition !== "land") style.focusY += (sr() - 0.5) * 0.3;
  }
  const so = LATENT_GROUPS.scalars.offset;
  SCALARS.forEach((name, i) => (latent[so + i] = style[name]));

  const pal = new Float32Array(12);
  pal.set(palette.a, 0);
  pal.set(palette.b, 3);
  pal.set(palette.c, 6);
  pal.set(palette.d, 9);
  return { latent, palette: pal, composition, transform, style, matched: matches.map((m) => m.word) };
}

const screenCache = new Map<string, Float32Array>();

/** The screen grid (pixels × 3: x·aspect, y down, 1), shared by every image of a resolution. */
export function screenGrid(width: number, height: number): Float32Array {
  const key = `${width}x${height}`;
  let grid = screenCache.get(key);
  if (!grid) {
    grid = new Float32Array(width * height * 3);
    const aspect = width / height;
    let o = 0;
    for (let py = 0; py < height; py++) {
      const v = ((py + 0.5) / height) * 2 - 1;
      for (let px = 0; px < width; px++) {
        grid[o++] = (((px + 0.5) / width) * 2 - 1) * aspect;
        grid[o++] = v;
        grid[o++] = 1;
      }
    }
    screenCache.set(key, grid);
  }
  return grid;
}

/** Whether the composition folds the plane (radial, mirror, spiral) rather than an affine map. */
export function foldsPlane(c: ArtConditioning): boolean {
  return c.composition === "radial" || c.composition === "mirror" || c.composition === "spiral";
}

/**
 * The per-image affine map applied (as a row vector times 3×3) to the field grid: rotation and zoom
 * about the focus, then an offset. For folded compositions the grid is already centred on the focus.
 */
export function fieldTransform(c: ArtConditioning): Float32Array {
  const { zoom, stretch, rotation, cx, cy, ox, oy } = c.transform;
  const zc = Math.cos(rotation) * zoom;
  const zs = Math.sin(rotation) * zoom;
  const [tx, ty] = foldsPlane(c) ? [0, 0] : [cx, cy];
  // the rotated field's x axis divided by the stretch: lower frequencies along it, never higher
  const k = 1 / stretch;
  return Float32Array.of(
    zc * k,
    zs,
    0,
    -zs * k,
    zc,
    0,
    (-tx * zc + ty * zs) * k + ox,
    -tx * zs - ty * zc + oy,
    1,
  );
}

/**
 * The field grid for one image (pixels × 3): the screen grid itself for affine compositions, the
 * plane folded about the focus for radial, mirror and spiral ones.
 */
export function fieldGrid(c: ArtConditioning, width: number, height: number): Float32Array {
  const screen = screenGrid(width, height);
  if (!foldsPlane(c)) return screen;
  const { folds, swirl, cx, cy } = c.transform;
  const out = new Float32Array(screen.length);
  const sector = (Math.PI * 2) / folds;
  for (let o = 0; o < screen.length; o += 3) {
    let x = screen[o]! - cx;
    let y = screen[o + 1]! - cy;
    if (c.composition === "radial") {
      const r = Math.sqrt(x * x + y * y);
      let theta = Math.atan2(y, x);
      theta = Math.abs((((theta % sector) + sector) % sector) - sector / 2);
      x = r * Math.cos(theta);
      y = r * Math.sin(theta);
    } else if (c.composition === "mirror") {
      x = Math.abs(x);
    } else {
      const r = Math.sqrt(x * x + y * y);
      const a = swirl * Math.log(r + 0.25);
      const ca = Math.cos(a);
      const sa = Math.sin(a);
      const nx = x * ca - y * sa;
      y = x * sa + y * ca;
      x = nx;
    }
    out[o] = x;
    out[o + 1] = y;
    out[o + 2] = 1;
  }
  return out;
}

/**
 * A variation of an existing work: the parent's prompt and seed fix palette, composition, style and
 * the large-scale flow (both warps and the lowest third of the frequency bank); the new seed redraws
 * the finer octaves and the ridge lines. Same composition, new detail.
 */
export function artVariationFor(parentPrompt: string, parentSeed: string, seed: string): ArtConditioning {
  const c = artConditionFor(parentPrompt, parentSeed);
  const sr = hashStream(`atelier/art-v2/variation/${seed.toLowerCase()}`);
  const field = LATENT_GROUPS.field;
  const keep = Math.floor(field.size / 3);
  for (let j = keep; j < field.size; j++) c.latent[field.offset + j] = sr() * Math.PI * 2;
  const ridge = LATENT_GROUPS.ridge;
  for (let j = 0; j < ridge.size; j++) c.latent[ridge.offset + j] = sr() * Math.PI * 2;
  return c;
}
