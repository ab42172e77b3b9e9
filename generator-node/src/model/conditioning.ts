/**
 * Deterministic conditioning of the CPPN: the prompt sets palette, structure and the base latent;
 * the job's seed perturbs the latent. Everything is derived from SHA-256 streams, so the same
 * (prompt, seed) gives the same inputs — and the same image — on every machine.
 */
import { createHash } from "node:crypto";

export type Symmetry = "none" | "mirror" | "quad" | "radial";

export interface Structure {
  zoom: number;
  rotation: number;
  symmetry: Symmetry;
  /** fold count when symmetry = radial */
  folds: number;
  swirl: number;
  rScale: number;
}

export interface Conditioning {
  latent: Float32Array;
  /** 3 colours × RGB in [0, 1], row-major */
  palette: Float32Array;
  structure: Structure;
}

/** An endless deterministic stream of uniform [0, 1) numbers from SHA-256(label ‖ counter). */
export function hashStream(label: string): () => number {
  let counter = 0;
  let block = Buffer.alloc(0);
  let pos = 0;
  return () => {
    if (pos + 4 > block.length) {
      block = createHash("sha256").update(`${label}#${counter++}`).digest();
      pos = 0;
    }
    const v = block.readUInt32BE(pos);
    pos += 4;
    return v / 4294967296;
  };
}

export function normalizePrompt(prompt: string): string {
  return prompt.normalize("NFC").trim().replace(/\s+/g, " ").toLowerCase();
}

/** Colour words nudge the palette's base hue (degrees). */
const HUES: Record<string, number> = {
  red: 0,
  crimson: 350,
  scarlet: 5,
  orange: 30,
  amber: 40,
  sunset: 20,
  autumn: 28,
  gold: 48,
  golden: 48,
  yellow: 55,
  lemon: 58,
  green: 120,
  forest: 130,
  jungle: 115,
  emerald: 145,
  teal: 175,
  cyan: 185,
  ocean: 200,
  sea: 195,
  sky: 205,
  blue: 220,
  azure: 210,
  navy: 230,
  night: 240,
  indigo: 255,
  violet: 275,
  purple: 285,
  magenta: 310,
  pink: 330,
  rose: 340,
};

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
  };
  return [f(0), f(8), f(4)];
}

export function paletteFor(normalized: string, rand: () => number): Float32Array {
  const words = normalized.split(/[^a-z]+/);
  const named = words.map((w) => HUES[w]).filter((h): h is number => h !== undefined);
  const base = named.length > 0 ? named[0]! + (rand() - 0.5) * 20 : rand() * 360;
  const schemes = [
    [0, 30, -30], // analogous
    [0, 180, 30], // complementary
    [0, 120, 240], // triadic
    [0, 150, 210], // split complementary
  ];
  const scheme = schemes[Math.floor(rand() * schemes.length)]!;
  const dark = /\b(dark|night|noir|shadow|midnight)\b/.test(normalized);
  const pale = /\b(pastel|pale|soft|light|mist|misty)\b/.test(normalized);
  const out = new Float32Array(9);
  scheme.forEach((offset, i) => {
    const h = (((base + offset) % 360) + 360) % 360;
    const s = pale ? 0.35 + rand() * 0.2 : 0.55 + rand() * 0.4;
    const l = dark ? 0.12 + rand() * 0.3 : pale ? 0.7 + rand() * 0.15 : 0.3 + rand() * 0.45;
    out.set(hslToRgb(h, s, l), i * 3);
  });
  return out;
}

export function structureFor(normalized: string, rand: () => number): Structure {
  const symmetries: Symmetry[] = ["none", "mirror", "quad", "radial"];
  let symmetry = symmetries[Math.floor(rand() * symmetries.length)]!;
  if (/\b(mandala|kaleidoscope|radial|flower)\b/.test(normalized)) symmetry = "radial";
  else if (/\b(mirror|symmetric|butterfly)\b/.test(normalized)) symmetry = "mirror";
  return {
    zoom: 0.7 + rand() * 1.8,
    rotation: rand() * Math.PI * 2,
    symmetry,
    folds: 3 + Math.floor(rand() * 6),
    swirl: /\b(swirl|spiral|vortex)\b/.test(normalized) ? 1.5 + rand() : (rand() - 0.5) * 0.8,
    rScale: 0.5 + rand() * 1.5,
  };
}

/**
 * @param seed the job's seed (hex string, e.g. a bytes32) — varies the latent
 */
export function conditionFor(prompt: string, seed: string, latentDim: number): Conditioning {
  const normalized = normalizePrompt(prompt);
  const promptRand = hashStream(`atelier/cppn/prompt/${normalized}`);
  const seedRand = hashStream(`atelier/cppn/seed/${seed.toLowerCase()}`);
  const latent = new Float32Array(latentDim);
  for (let i = 0; i < latentDim; i++) latent[i] = (promptRand() * 2 - 1) * 1.2 + (seedRand() * 2 - 1) * 0.6;
  const palette = paletteFor(normalized, promptRand);
  const structure = structureFor(normalized, promptRand);
  return { latent, palette, structure };
}

/** Per-pixel (x, y, r) for a structure, written into `out` at offset (pixels × 3 floats). */
export function writeCoords(
  s: Structure,
  width: number,
  height: number,
  out: Float32Array,
  offset = 0,
): void {
  const cos = Math.cos(s.rotation);
  const sin = Math.sin(s.rotation);
  const aspect = width / height;
  const sector = (Math.PI * 2) / s.folds;
  let o = offset;
  for (let py = 0; py < height; py++) {
    const v = ((py + 0.5) / height) * 2 - 1;
    for (let px = 0; px < width; px++) {
      const u = (((px + 0.5) / width) * 2 - 1) * aspect;
      let x = u * s.zoom;
      let y = v * s.zoom;
      let r = Math.sqrt(x * x + y * y);
      if (s.swirl !== 0) {
        const a = s.swirl * r;
        const c = Math.cos(a);
        const sn = Math.sin(a);
        const nx = x * c - y * sn;
        y = x * sn + y * c;
        x = nx;
      }
      if (s.symmetry === "mirror") x = Math.abs(x);
      else if (s.symmetry === "quad") {
        x = Math.abs(x);
        y = Math.abs(y);
      } else if (s.symmetry === "radial") {
        let theta = Math.atan2(y, x);
        theta = Math.abs((((theta % sector) + sector) % sector) - sector / 2);
        x = r * Math.cos(theta);
        y = r * Math.sin(theta);
      }
      const rx = x * cos - y * sin;
      const ry = x * sin + y * cos;
      r *= s.rScale;
      out[o++] = rx;
      out[o++] = ry;
      out[o++] = r;
    }
  }
}
