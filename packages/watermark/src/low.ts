/**
 * Embedding the low-frequency second carrier (v9; its codebook in lowbook.ts, its read in
 * lowread.ts): the primary and the low tile as one LOW_TILE-periodic pattern, through the plan's
 * mask and caps, so the two share the PSNR budget and every visibility limit; and the embedder's
 * rule for where the low carrier pays.
 */
import { CODED_BITS } from "./ecc.ts";
import { defaultLowBook, LOW_TILE, renderLowTile } from "./lowbook.ts";
import { lowCodedReadLuma } from "./lowread.ts";
import { TILE } from "./pattern.ts";
import { layPattern, type EmbedPlan } from "./plan.ts";
import { luma, type RawImage } from "./image.ts";
import { smoothChangeOver } from "./metrics.ts";
import { planChange, renderPlan } from "./render.ts";
import { SMOOTH_LEVEL_CHROMA, SMOOTH_LEVEL_LUMA } from "./visibility.ts";

/** Share of the tile energy the low carrier takes where it is used (the PSNR budget is shared). */
export const LOW_SHARE = 0.5;
/**
 * The embedder adds the low carrier only where its unattacked read clears the host by this much
 * (mark gain over the host's spread in the low carrier's coded domain): on smooth wallpapers and
 * flat art it stands at 2.2–6.8, on textured photos, UI screenshots and most generated art at
 * −0.1–0.9, where the budget it takes from the primary is lost (scripts/low-oracle.ts).
 */
export const LOW_MIN_RATIO = 2;
/**
 * The two carriers as one LOW_TILE-periodic tile: √(1 − share) · primary (repeated LOW_FACTOR² times)
 * + √share · low. Orthogonal over the period, so the sum has unit RMS too.
 */
export function combinedTile(primary: Float32Array, low: Float32Array, share: number): Float32Array {
  const a = Math.sqrt(1 - share);
  const b = Math.sqrt(share);
  const out = new Float32Array(LOW_TILE * LOW_TILE);
  for (let y = 0; y < LOW_TILE; y++)
    for (let x = 0; x < LOW_TILE; x++)
      out[y * LOW_TILE + x] = a * primary[(y % TILE) * TILE + (x % TILE)]! + b * low[y * LOW_TILE + x]!;
  return out;
}

/** layPattern for a LOW_TILE-periodic tile (stretched bilinearly to LOW_FACTOR × the plan's period). */
export function layLowPattern(plan: EmbedPlan, tile: Float32Array): void {
  const { width, height } = plan.image;
  const { period, mask, d } = plan;
  const n = LOW_TILE;
  const s = TILE / period;
  let sumSq = 0;
  if (period === TILE) {
    // the tile itself, no stretching: whole-pixel indices
    for (let yy = 0, i = 0; yy < height; yy++) {
      const row = (yy % n) * n;
      for (let x = 0, u = 0; x < width; x++, i++) {
        const val = mask[i]! * tile[row + u]!;
        d[i] = val;
        sumSq += val * val;
        if (++u === n) u = 0;
      }
    }
    plan.sumSq = sumSq;
    return;
  }
  for (let yy = 0, i = 0; yy < height; yy++) {
    const v0 = (yy * s) % n;
    const j0 = Math.floor(v0);
    const r0 = j0 * n;
    const r1 = ((j0 + 1) % n) * n;
    const fy = v0 - j0;
    for (let x = 0; x < width; x++, i++) {
      const u = (x * s) % n;
      const a = Math.floor(u);
      const b = (a + 1) % n;
      const f = u - a;
      const top = tile[r0 + a]! + f * (tile[r0 + b]! - tile[r0 + a]!);
      const bot = tile[r1 + a]! + f * (tile[r1 + b]! - tile[r1 + a]!);
      const val = mask[i]! * (top + fy * (bot - top));
      d[i] = val;
      sumSq += val * val;
    }
  }
  plan.sumSq = sumSq;
}

/**
 * Adds the low carrier to a plan whose pattern is the primary tile `primary` (symbols b), where it
 * pays: the two-carrier pattern is laid and kept if the low carrier's read of the planned change
 * (host luma + the change before rounding: within 0.06 of a render's read on the quick 22 and the
 * 16 hardest photos, at a tenth of the cost) clears the host's spread by LOW_MIN_RATIO; otherwise
 * the primary pattern is laid again (the mark is v8's). A kept carrier's smooth region is
 * re-levelled on one render (relevel). Returns the low carrier's share (0: not used).
 */
export function addLowCarrier(plan: EmbedPlan, b: Float64Array, primary: Float32Array): number {
  const cb = defaultLowBook();
  layLowPattern(plan, combinedTile(primary, renderLowTile(cb, b), LOW_SHARE));
  const { width, height } = plan.image;
  const y = luma(plan.image);
  const host = lowCodedReadLuma(y, width, height, plan.period);
  const change = planChange(plan);
  for (let i = 0; i < change.length; i++) change[i]! += y[i]!;
  const marked = lowCodedReadLuma(change, width, height, plan.period);
  let k = 0;
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i < CODED_BITS; i++) {
    k += b[i]! * (marked[i]! - host[i]!);
    const h = b[i]! * host[i]!;
    m1 += h;
    m2 += h * h;
  }
  k /= CODED_BITS;
  m1 /= CODED_BITS;
  // a flat host reads as nothing: any positive gain clears it
  const spread = Math.sqrt(Math.max(m2 / CODED_BITS - m1 * m1, 1e-30));
  if (!(k / spread >= LOW_MIN_RATIO)) {
    layPattern(plan, primary);
    return 0;
  }
  relevel(plan, renderPlan(plan));
  return LOW_SHARE;
}

/**
 * The smooth region's change with the low carrier, brought back under levelSmooth's targets: the
 * smooth-region metric's 3×3 mean keeps the low band whole (the primary's band at 0.65–0.97), so
 * the levelled primary's 0.85 RMS became up to 0.96 with the carrier added (plasma-MilkyWay on the
 * quick 22). Measured on `trial`, the render of the two-carrier plan; only ever lowers the caps.
 */
function relevel(plan: EmbedPlan, trial: RawImage): void {
  const { capFlat, neutral, smooth } = plan;
  if (!capFlat || !neutral || !smooth) return;
  const s = smoothChangeOver(plan.image, trial, smooth);
  if (!(s.fraction > 0 && s.lumaRms > 0)) return;
  const byChroma = s.chromaRms > 0 ? SMOOTH_LEVEL_CHROMA / s.chromaRms : 1;
  const k = Math.min(1, SMOOTH_LEVEL_LUMA / s.lumaRms, byChroma);
  if (!(k < 1)) return;
  for (let i = 0; i < capFlat.length; i++) {
    const w = neutral[i]!;
    if (w > 0) capFlat[i] = capFlat[i]! * (1 + (k - 1) * w);
  }
}
