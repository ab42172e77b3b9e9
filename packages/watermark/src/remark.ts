/**
 * Re-marking (`existing`): refuse an image that already carries a mark, or estimate the old mark
 * and subtract it before embedding the new one (`subtractMark`, also behind strip.ts's removeMark).
 */
import { detectAligned, type Alignment } from "./detect.ts";
import { boxMean, luma, WatermarkInputError, type RawImage } from "./image.ts";
import type { EmbedOptions } from "./options.ts";
import { TILE } from "./pattern.ts";
import { tileFor } from "./plan.ts";
import { convEncode, messageBits } from "./ecc.ts";
import { defaultLowBook, LOW_FACTOR, LOW_TILE, renderLowTile } from "./lowbook.ts";
import { codedSymbols } from "./pattern.ts";
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

/** High-pass: plane minus its (2r+1)² box mean (5×5 by default). */
function highPass(y: Float32Array, width: number, height: number, r = 2): Float32Array {
  const n = width * height;
  const m = new Float32Array(n);
  boxMean(y, width, height, r, m, new Float32Array(n));
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
  const { width, height } = image;
  const { sx, sy } = al;
  // the old tile resampled onto the pixel grid (bilinear on the periodic tile)
  const pat = sampleTile(new Float32Array(tileFor(old)), TILE, al, sx, sy, width, height);
  const first = fitMark(image, pat, options);
  if (!first) return image;
  // (v9) a two-carrier mark's low carrier (low.ts): the primary's alignment fixes its tile up to
  // whole primary periods, so each of the LOW_FACTOR² offsets is fitted and the clearest one taken
  const low = renderLowTile(defaultLowBook(), codedSymbols(convEncode(messageBits(old))));
  const fits: { image: RawImage; score: number }[] = [];
  for (let j = 0; j < LOW_FACTOR; j++)
    for (let i = 0; i < LOW_FACTOR; i++) {
      const lowPat = sampleTile(low, LOW_TILE, al, sx + i * TILE, sy + j * TILE, width, height);
      const r = fitMark(first.image, lowPat, options, LOW_FIT_RADIUS);
      fits.push(r ?? { image: first.image, score: 0 });
    }
  fits.sort((p, q) => q.score - p.score);
  const rest = fits.slice(1).reduce((t, f) => t + f.score, 0) / (fits.length - 1);
  return fits[0]!.score > LOW_FIT_CLEAR * rest ? fits[0]!.image : first.image;
}

/** A low-carrier fit this many times the mean of the other offsets' is the old mark's. */
const LOW_FIT_CLEAR = 4;
/** The low carrier is fitted on luma minus a 31×31 mean (the 5×5 one removes most of its band). */
const LOW_FIT_RADIUS = 15;

/** A periodic n×n tile resampled onto the pixel grid at an alignment (bilinear), shifted to (sx, sy). */
function sampleTile(
  tile: Float32Array,
  n: number,
  al: Alignment,
  sx: number,
  sy: number,
  width: number,
  height: number,
): Float32Array {
  const pat = new Float32Array(width * height);
  const { map: m, o } = al;
  const wrap = (t: number) => ((t % n) + n) % n;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const u = wrap(m.a * (x - o) + m.b * (y - o) + sx);
      const v = wrap(m.c * (x - o) + m.d * (y - o) + sy);
      const i0 = Math.floor(u);
      const j0 = Math.floor(v);
      const f = u - i0;
      const fy = v - j0;
      const a = i0 % n;
      const b = (i0 + 1) % n;
      const r0 = (j0 % n) * n;
      const r1 = ((j0 + 1) % n) * n;
      const top = tile[r0 + a]! + f * (tile[r0 + b]! - tile[r0 + a]!);
      const bot = tile[r1 + a]! + f * (tile[r1 + b]! - tile[r1 + a]!);
      pat[i] = top + fy * (bot - top);
    }
  }
  return pat;
}

/**
 * The least-squares fit of a mark pattern through the embedding mask (two fixed-point rounds) and
 * the image with it subtracted; its score is the high-passed energy it explains (num²/den). Null
 * where the fit is not positive.
 */
function fitMark(
  image: RawImage,
  pat: Float32Array,
  options: EmbedOptions,
  radius = 2,
): { image: RawImage; score: number } | null {
  const { width, height, channels, data } = image;
  const n = width * height;
  const yMarked = luma(image);
  const hpMarked = highPass(yMarked, width, height, radius);
  const mask = maskFunction(width, height, options);
  let estimate = yMarked;
  const g = new Float32Array(n);
  let alpha = 0;
  let score = 0;
  for (let round = 0; round < 2; round++) {
    const sd = localStd(estimate, width, height, MASK_RADIUS);
    for (let i = 0; i < n; i++) g[i] = mask(sd[i]!) * pat[i]!;
    const hg = highPass(g, width, height, radius);
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      num += hpMarked[i]! * hg[i]!;
      den += hg[i]! * hg[i]!;
    }
    alpha = den > 0 ? num / den : 0;
    score = den > 0 ? (num * num) / den : 0;
    const next = new Float32Array(n);
    for (let i = 0; i < n; i++) next[i] = yMarked[i]! - alpha * g[i]!;
    estimate = next;
  }
  if (!(alpha > 0)) return null;
  const out = new Uint8Array(data.length);
  applyDelta(data, out, g, -alpha, channels, n, width);
  return { image: { width, height, channels, data: out }, score };
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
