import { CODED_BITS, convEncode, messageBits } from "./ecc.ts";
import { boxMean, luma, validateImage, WB, WG, WR, type RawImage } from "./image.ts";
import { renderTile, TILE } from "./pattern.ts";
import { toPayload } from "./payload.ts";

export interface EmbedOptions {
  /** Target PSNR in dB (RGB, peak 255). The strength is adapted per image to meet it. Default 42.2. */
  psnr?: number;
  /** Never go below this PSNR (dB) after rounding and clipping; default psnr − 0.2 (42.0 by default). */
  minPsnr?: number;
  /** Advanced: perceptual mask m = (local std + maskOffset)^maskExponent. */
  maskExponent?: number;
  maskOffset?: number;
}

/** Side length above which the tile period grows with the image (canonical grid ≈ 1024 px). */
export const CANONICAL_SIDE = 1024;
const MASK_RADIUS = 3;
/** Perceptual mask m = (local std + MASK_OFFSET)^MASK_EXPONENT: linear, so flat areas carry little. */
export const MASK_OFFSET = 1;
export const MASK_EXPONENT = 1;
/** Canonical-grid pixel counts between which the mask goes from (std + 3)^0.5 to (std + 1)^1. */
const SMALL_PIXELS = 20_000;
const LARGE_PIXELS = 200_000;

// RGB change along the luma vector: Δc = w_c/|w|² · ΔY changes luma by exactly ΔY at least squared cost.
const W2 = WR * WR + WG * WG + WB * WB;
const KR = WR / W2;
const KG = WG / W2;
const KB = WB / W2;

let lastPayload: bigint | null = null;
let lastTile: Float32Array | null = null;

export function tileFor(payload: bigint): Float32Array {
  if (lastPayload === payload && lastTile) return lastTile;
  const coded = convEncode(messageBits(payload));
  if (coded.length !== CODED_BITS) throw new Error("internal: coded length");
  lastTile = renderTile(coded);
  lastPayload = payload;
  return lastTile;
}

/** Tile period in pixels for an image of this size (63 up to the canonical size, then proportional). */
export function tilePeriod(width: number, height: number): number {
  const side = Math.max(width, height);
  return side > CANONICAL_SIDE * 1.25 ? (TILE * side) / CANONICAL_SIDE : TILE;
}

/**
 * Embeds a 64-bit payload (bigint or 16 hex digits). Returns a new image of the same shape;
 * alpha is copied unchanged.
 */
export function embed(image: RawImage, payload: bigint | string, options: EmbedOptions = {}): RawImage {
  validateImage(image);
  const p = toPayload(payload);
  const target = options.psnr ?? 42.2;
  const minPsnr = options.minPsnr ?? target - 0.2;
  if (!(target > 20 && target < 80))
    throw new RangeError(`psnr target must be in (20, 80) dB, got ${target}`);
  const { width, height, channels, data } = image;
  const n = width * height;
  const tile = tileFor(p);
  // Small images hold few tile periods: move toward the milder square-root mask (more energy in
  // flat areas, where detection is easiest) as the canonical-grid pixel count falls below 200k.
  const period = tilePeriod(width, height);
  const canonicalPixels = n * (TILE / period) ** 2;
  const t = Math.min(1, Math.max(0, (canonicalPixels - SMALL_PIXELS) / (LARGE_PIXELS - SMALL_PIXELS)));
  const mOff = options.maskOffset ?? 3 + (MASK_OFFSET - 3) * t;
  const mExp = options.maskExponent ?? 0.5 + (MASK_EXPONENT - 0.5) * t;
  const mask =
    mExp === 1
      ? (sd: number) => sd + mOff
      : mExp === 0.5
        ? (sd: number) => Math.sqrt(sd + mOff)
        : (sd: number) => Math.pow(sd + mOff, mExp);

  // perceptual mask m = (local std of luma + offset)^exponent
  const y = luma(image);
  const tmp = new Float32Array(n);
  const mean = new Float32Array(n);
  boxMean(y, width, height, MASK_RADIUS, mean, tmp);
  for (let i = 0; i < n; i++) y[i] = y[i]! * y[i]!;
  const mean2 = new Float32Array(n);
  boxMean(y, width, height, MASK_RADIUS, mean2, tmp);
  const d = y; // reuse: pattern · mask
  let sumSq = 0;
  if (period === TILE) {
    for (let yy = 0, i = 0; yy < height; yy++) {
      const trow = (yy % TILE) * TILE;
      let tx = 0;
      for (let x = 0; x < width; x++, i++) {
        const mu = mean[i]!;
        const v = mean2[i]! - mu * mu;
        const m = mask(Math.sqrt(v > 0 ? v : 0));
        const val = m * tile[trow + tx]!;
        d[i] = val;
        sumSq += val * val;
        if (++tx === TILE) tx = 0;
      }
    }
  } else {
    // tile stretched to a larger period, bilinear
    const s = TILE / period;
    const x0 = new Int32Array(width);
    const x1 = new Int32Array(width);
    const fx = new Float32Array(width);
    for (let x = 0; x < width; x++) {
      const u = (x * s) % TILE;
      const i0 = Math.floor(u);
      x0[x] = i0;
      x1[x] = (i0 + 1) % TILE;
      fx[x] = u - i0;
    }
    for (let yy = 0, i = 0; yy < height; yy++) {
      const v = (yy * s) % TILE;
      const j0 = Math.floor(v);
      const r0 = j0 * TILE;
      const r1 = ((j0 + 1) % TILE) * TILE;
      const fy = v - j0;
      for (let x = 0; x < width; x++, i++) {
        const a = x0[x]!;
        const b = x1[x]!;
        const f = fx[x]!;
        const top = tile[r0 + a]! + f * (tile[r0 + b]! - tile[r0 + a]!);
        const bot = tile[r1 + a]! + f * (tile[r1 + b]! - tile[r1 + a]!);
        const mu = mean[i]!;
        const vv = mean2[i]! - mu * mu;
        const m = mask(Math.sqrt(vv > 0 ? vv : 0));
        const val = m * (top + fy * (bot - top));
        d[i] = val;
        sumSq += val * val;
      }
    }
  }

  // strength: MSE over RGB = |k|² · α² · mean(d²) / 3 ... solved for the target PSNR
  const k2 = KR * KR + KG * KG + KB * KB;
  const targetMse = (255 * 255) / 10 ** (target / 10);
  let alpha = Math.sqrt((targetMse * 3 * n) / (k2 * Math.max(sumSq, 1e-9)));
  const out = new Uint8Array(data.length);
  for (let attempt = 0; attempt < 4; attempt++) {
    const sse = applyDelta(data, out, d, alpha, channels, n);
    const achieved = sse === 0 ? Infinity : 10 * Math.log10((255 * 255 * 3 * n) / sse);
    if (achieved >= minPsnr) break;
    alpha *= 10 ** ((achieved - minPsnr - 0.02) / 20);
  }
  return { width, height, channels, data: out };
}

function applyDelta(
  src: Uint8Array | Uint8ClampedArray,
  out: Uint8Array,
  d: Float32Array,
  alpha: number,
  channels: number,
  n: number,
): number {
  let sse = 0;
  const kr = KR * alpha;
  const kg = KG * alpha;
  const kb = KB * alpha;
  for (let i = 0, p = 0; i < n; i++, p += channels) {
    const dv = d[i]!;
    const r = src[p]!;
    const g = src[p + 1]!;
    const b = src[p + 2]!;
    let nr = Math.round(r + kr * dv);
    let ng = Math.round(g + kg * dv);
    let nb = Math.round(b + kb * dv);
    nr = nr < 0 ? 0 : nr > 255 ? 255 : nr;
    ng = ng < 0 ? 0 : ng > 255 ? 255 : ng;
    nb = nb < 0 ? 0 : nb > 255 ? 255 : nb;
    out[p] = nr;
    out[p + 1] = ng;
    out[p + 2] = nb;
    if (channels === 4) out[p + 3] = src[p + 3]!;
    sse += (nr - r) * (nr - r) + (ng - g) * (ng - g) + (nb - b) * (nb - b);
  }
  return sse;
}
