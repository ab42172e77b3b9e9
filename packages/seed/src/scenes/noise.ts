/**
 * Seeded 2-D value noise and its fractal sums: the texture of every rendered scene (rock, clouds, sand,
 * foliage, water). Deterministic per seed, so a scene renders to the same pixels on every machine.
 */
import { mulberry32 } from "@atelier/procedural";

export interface Noise {
  /** Smooth value noise in [0, 1]. */
  value(x: number, y: number): number;
  /** Fractal sum of `octaves` of value noise, in [0, 1]. */
  fbm(x: number, y: number, octaves: number, gain?: number): number;
  /** Ridged fractal noise (sharp crests), in [0, 1]. */
  ridged(x: number, y: number, octaves: number): number;
}

export function noise(seed: number): Noise {
  const random = mulberry32(seed);
  const perm = new Uint16Array(512);
  const base = Array.from({ length: 256 }, (_, i) => i);
  for (let i = 255; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [base[i], base[j]] = [base[j]!, base[i]!];
  }
  for (let i = 0; i < 512; i++) perm[i] = base[i & 255]!;
  const lattice = Float32Array.from({ length: 256 }, () => random());
  const at = (x: number, y: number) => lattice[perm[(x & 255) + perm[y & 255]!]!]!;

  function value(x: number, y: number): number {
    const xi = Math.floor(x);
    const yi = Math.floor(y);
    const xf = x - xi;
    const yf = y - yi;
    const u = xf * xf * (3 - 2 * xf);
    const v = yf * yf * (3 - 2 * yf);
    const a = at(xi, yi);
    const b = at(xi + 1, yi);
    const c = at(xi, yi + 1);
    const d = at(xi + 1, yi + 1);
    return a + (b - a) * u + (c - a) * v + (a - b - c + d) * u * v;
  }
  function fbm(x: number, y: number, octaves: number, gain = 0.5): number {
    let sum = 0;
    let amp = 1;
    let norm = 0;
    for (let o = 0; o < octaves; o++) {
      // Rotating each octave a little hides the lattice's axis-aligned grain.
      sum += amp * value(x + o * 17.31, y - o * 9.71);
      norm += amp;
      amp *= gain;
      const nx = 1.6 * x - 1.2 * y;
      y = 1.2 * x + 1.6 * y;
      x = nx;
    }
    return sum / norm;
  }
  function ridged(x: number, y: number, octaves: number): number {
    let sum = 0;
    let amp = 1;
    let norm = 0;
    for (let o = 0; o < octaves; o++) {
      const n = 1 - Math.abs(2 * value(x + o * 5.3, y + o * 3.1) - 1);
      sum += amp * n * n;
      norm += amp;
      amp *= 0.5;
      x *= 2.03;
      y *= 2.03;
    }
    return sum / norm;
  }
  return { value, fbm, ridged };
}

export const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
export const smoothstep = (a: number, b: number, v: number) => {
  const t = clamp01((v - a) / (b - a));
  return t * t * (3 - 2 * t);
};
export const mix = (a: number, b: number, t: number) => a + (b - a) * t;
