/**
 * Smooth test images: a few soft colour blobs over a gradient, no texture, no edges — the flat
 * generated art and wallpapers the smooth-region rules and the low carrier are about.
 */
import type { RawImage } from "../../src/image.ts";
import { Prng } from "../../src/prng.ts";

/** Each channel's base level is `baseMin + u · baseRange` (u uniform in [0, 1)). */
export function smoothBlobs(
  width: number,
  height: number,
  seed: number,
  { baseMin, baseRange }: { baseMin: number; baseRange: number },
): RawImage {
  const rng = new Prng(seed);
  const blobs = Array.from({ length: 5 }, () => ({
    x: rng.next() * width,
    y: rng.next() * height,
    s: (0.15 + 0.3 * rng.next()) * width,
    c: [0, 1, 2].map(() => (rng.next() - 0.5) * 160),
  }));
  const base = [0, 1, 2].map(() => baseMin + rng.next() * baseRange);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0, p = 0; y < height; y++)
    for (let x = 0; x < width; x++, p += 3)
      for (let k = 0; k < 3; k++) {
        let v = base[k]! + (40 * (x - y)) / width;
        for (const b of blobs) v += b.c[k]! * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.s * b.s));
        data[p + k] = Math.max(0, Math.min(255, Math.round(v)));
      }
  return { width, height, channels: 3, data };
}
