/**
 * Re-marking (`existing`): refuse an image that already carries a mark, or estimate the old mark
 * and subtract it before embedding the new one (`subtractMark`, also behind strip.ts's removeMark).
 */
import { detectAligned, type Alignment } from "./detect.ts";
import { boxMean, luma, WatermarkInputError, type RawImage } from "./image.ts";
import type { EmbedOptions } from "./options.ts";
import { TILE } from "./pattern.ts";
import { tileFor } from "./plan.ts";
import { applyDelta } from "./rounding.ts";
import { MASK_RADIUS, maskFunction } from "./visibility.ts";

/** Local standard deviation of a plane over (2r+1)². */
function localStd(y: Float32Array, width: number, height: number, r: number): Float32Array {
  const n = width * height;
  const tmp = new Float32Array(n);
  const mean = new Float32Array(n);
  const sq = new Float32Array(n);
  boxMean(y, width, height, r, mean, tmp);
  for (let i = 0; i < n; i++) sq[i] = y[i]! * y[i]!;
  const mean2 = new Float32Array(n);
  boxMean(sq, width, height, r, mean2, tmp);
  for (let i = 0; i < n; i++) {
    const v = mean2[i]! - mean[i]! * mean[i]!;
    mean2[i] = Math.sqrt(v > 0 ? v : 0);
  }
  return mean2;
}

/** High-pass: plane minus its 5×5 box mean. */
function highPass(y: Float32Array, width: number, height: number): Float32Array {
  const n = width * height;
  const m = new Float32Array(n);
  boxMean(y, width, height, 2, m, new Float32Array(n));
  for (let i = 0; i < n; i++) m[i] = y[i]! - m[i]!;
  return m;
}

/**
 * Estimates and subtracts an existing mark (payload known from detection, tile position from its
 * alignment). Its per-pixel amplitude follows the embedding mask, which depends on the unmarked image:
 * two fixed-point rounds (mask from the current estimate → least-squares amplitude on high-passed
 * luma → subtract).
 */
export function subtractMark(image: RawImage, old: bigint, al: Alignment, options: EmbedOptions): RawImage {
  const { width, height, channels, data } = image;
  const n = width * height;
  const tile = new Float32Array(tileFor(old));
  // the old tile resampled onto the pixel grid (bilinear on the periodic tile)
  const pat = new Float32Array(n);
  const { map: m, sx, sy, o } = al;
  const wrap = (t: number) => ((t % TILE) + TILE) % TILE;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const u = wrap(m.a * (x - o) + m.b * (y - o) + sx);
      const v = wrap(m.c * (x - o) + m.d * (y - o) + sy);
      const i0 = Math.floor(u);
      const j0 = Math.floor(v);
      const f = u - i0;
      const fy = v - j0;
      const a = i0 % TILE;
      const b = (i0 + 1) % TILE;
      const r0 = (j0 % TILE) * TILE;
      const r1 = ((j0 + 1) % TILE) * TILE;
      const top = tile[r0 + a]! + f * (tile[r0 + b]! - tile[r0 + a]!);
      const bot = tile[r1 + a]! + f * (tile[r1 + b]! - tile[r1 + a]!);
      pat[i] = top + fy * (bot - top);
    }
  }
  const yMarked = luma(image);
  const hpMarked = highPass(yMarked, width, height);
  const mask = maskFunction(width, height, options);
  let estimate = yMarked;
  const g = new Float32Array(n);
  let alpha = 0;
  for (let round = 0; round < 2; round++) {
    const sd = localStd(estimate, width, height, MASK_RADIUS);
    for (let i = 0; i < n; i++) g[i] = mask(sd[i]!) * pat[i]!;
    const hg = highPass(g, width, height);
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      num += hpMarked[i]! * hg[i]!;
      den += hg[i]! * hg[i]!;
    }
    alpha = den > 0 ? num / den : 0;
    const next = new Float32Array(n);
    for (let i = 0; i < n; i++) next[i] = yMarked[i]! - alpha * g[i]!;
    estimate = next;
  }
  if (!(alpha > 0)) return image;
  const out = new Uint8Array(data.length);
  applyDelta(data, out, g, -alpha, channels, n, width);
  return { width, height, channels, data: out };
}

/** Applies `options.existing`: the image to embed into (the input, or the input with its old mark removed). */
export function handleExisting(image: RawImage, p: bigint, options: EmbedOptions): RawImage {
  const existing = options.existing ?? "ignore";
  if (existing === "ignore") return image;
  if (existing !== "error" && existing !== "replace") {
    throw new RangeError(`existing must be "ignore", "error" or "replace", got ${String(existing)}`);
  }
  const found = detectAligned(image);
  if (!found) return image;
  if (existing === "error") {
    throw new WatermarkInputError(
      `image already carries watermark payload ${found.detection.payload.toString(16).padStart(16, "0")}`,
    );
  }
  return found.detection.payload !== p
    ? subtractMark(image, found.detection.payload, found.alignment, options)
    : image;
}
