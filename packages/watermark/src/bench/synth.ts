/** Procedural test images (pure TypeScript): fractal value noise, gradients and shapes; seeded. */
import type { RawImage } from "../image.ts";
import { Prng } from "../prng.ts";

function valueNoise(width: number, height: number, cell: number, rng: Prng): Float32Array {
  const gw = Math.ceil(width / cell) + 2;
  const gh = Math.ceil(height / cell) + 2;
  const grid = new Float32Array(gw * gh);
  for (let i = 0; i < grid.length; i++) grid[i] = rng.next() * 2 - 1;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const gy = y / cell;
    const y0 = Math.floor(gy);
    let fy = gy - y0;
    fy = fy * fy * (3 - 2 * fy);
    for (let x = 0; x < width; x++) {
      const gx = x / cell;
      const x0 = Math.floor(gx);
      let fx = gx - x0;
      fx = fx * fx * (3 - 2 * fx);
      const a = grid[y0 * gw + x0]!;
      const b = grid[y0 * gw + x0 + 1]!;
      const c = grid[(y0 + 1) * gw + x0]!;
      const d = grid[(y0 + 1) * gw + x0 + 1]!;
      out[y * width + x] = a + fx * (b - a) + fy * (c + fx * (d - c) - (a + fx * (b - a)));
    }
  }
  return out;
}

/**
 * A natural-looking synthetic image: a colour gradient, fractal texture (amount `texture`, 0..1),
 * and a few flat shapes with hard edges.
 */
export function synthImage(
  width: number,
  height: number,
  seed: number,
  texture = 0.6,
  channels: 3 | 4 = 3,
): RawImage {
  const rng = new Prng(seed);
  const n = width * height;
  const tex = new Float32Array(n);
  let amp = 1;
  for (let cell = 96; cell >= 2; cell = Math.floor(cell / 2)) {
    const layer = valueNoise(width, height, cell, rng);
    for (let i = 0; i < n; i++) tex[i]! += amp * layer[i]!;
    amp *= 0.62;
  }
  const base = [0, 1, 2].map(() => 60 + rng.next() * 130);
  const grad = [0, 1, 2].map(() => (rng.next() - 0.5) * 120);
  const gdir = rng.next() * Math.PI * 2;
  const shapes = Array.from({ length: 6 }, () => ({
    cx: rng.next() * width,
    cy: rng.next() * height,
    r: (0.05 + rng.next() * 0.2) * Math.min(width, height),
    col: [0, 1, 2].map(() => 30 + rng.next() * 200),
    circle: rng.next() < 0.5,
  }));
  const data = new Uint8Array(n * channels);
  const cs = Math.cos(gdir);
  const sn = Math.sin(gdir);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const t = ((x - width / 2) * cs + (y - height / 2) * sn) / Math.max(width, height);
      let col = [0, 1, 2].map((k) => base[k]! + grad[k]! * t);
      for (const s of shapes) {
        const dx = x - s.cx;
        const dy = y - s.cy;
        const inside = s.circle
          ? dx * dx + dy * dy < s.r * s.r
          : Math.abs(dx) < s.r && Math.abs(dy) < s.r * 0.6;
        if (inside) col = s.col.slice();
      }
      const tv = tex[i]! * 55 * texture;
      for (let k = 0; k < 3; k++) {
        const v = Math.round(col[k]! + tv * (0.8 + 0.2 * k));
        data[i * channels + k] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
      if (channels === 4) data[i * channels + 3] = 255;
    }
  }
  return { width, height, channels, data };
}

/** The benchmark's default set when no --images directory is given. */
export function defaultImageSet(): { name: string; image: RawImage }[] {
  const sizes: [number, number][] = [
    [1024, 768],
    [1024, 683],
    [800, 800],
    [1024, 640],
    [960, 720],
    [1024, 1024],
    [900, 600],
    [1000, 750],
  ];
  return sizes.map(([w, h], i) => ({
    name: `synthetic-${i + 1}-${w}x${h}`,
    image: synthImage(w, h, 1234 + i * 77, 0.3 + 0.1 * (i % 6)),
  }));
}
