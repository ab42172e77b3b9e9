/** Unmarked trials of a method with a detection decision: how often it reports a payload anyway. */
import type { RawImage } from "../image.ts";
import { Prng } from "../prng.ts";
import { crop, flip, jpeg, resize, rotate } from "./attacks.ts";
import type { Method } from "./methods.ts";

/** A noise image: white, or smoothed (value noise), grey or colour. */
function noiseImage(rng: Prng): RawImage {
  const w = 256 + rng.int(769);
  const h = 256 + rng.int(769);
  const data = new Uint8Array(w * h * 3);
  const smooth = rng.next() < 0.5;
  const cell = 2 + rng.int(30);
  const grid = new Float32Array((Math.ceil(w / cell) + 2) * (Math.ceil(h / cell) + 2) * 3);
  for (let i = 0; i < grid.length; i++) grid[i] = rng.next() * 255;
  const gw = Math.ceil(w / cell) + 2;
  for (let y = 0, p = 0; y < h; y++)
    for (let x = 0; x < w; x++, p += 3)
      for (let k = 0; k < 3; k++)
        data[p + k] = smooth
          ? grid[(Math.floor(y / cell) * gw + Math.floor(x / cell)) * 3 + k]! * 0.7 + rng.next() * 76
          : rng.int(256);
  return { width: w, height: h, channels: 3, data };
}

/**
 * Unmarked trials: the set's images under random crops (25–100% of the area), rescales 0.5–1.5×,
 * rotations up to ±10° or a flip, JPEG q50–95 half the time; every tenth trial a noise image.
 */
export async function falsePositives(
  m: Method,
  images: { image: RawImage }[],
  trials: number,
): Promise<number> {
  const rng = new Prng(424242);
  let hits = 0;
  for (let t = 0; t < trials; t++) {
    let im: RawImage;
    if (t % 10 === 9) im = noiseImage(rng);
    else {
      im = images[t % images.length]!.image;
      im = crop(im, 0.25 + 0.75 * rng.next(), rng);
      const s = 0.5 + rng.next();
      if (Math.abs(s - 1) > 0.02) im = await resize(im, s);
      const g = rng.next();
      if (g < 0.3) im = await rotate(im, (rng.next() - 0.5) * 20);
      else if (g < 0.4) im = await flip(im, rng.next() < 0.5);
      if (rng.next() < 0.5) im = await jpeg(im, 50 + rng.int(46));
    }
    if (Math.min(im.width, im.height) < 16) continue;
    if (m.decode(im).found !== null) hits++;
  }
  return hits;
}
