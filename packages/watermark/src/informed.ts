/**
 * Informed embedding: host-interference rejection in the coded domain (after Malvar & Florêncio's
 * Improved Spread Spectrum, 2003, here one-sided).
 *
 * The detector does not see the mark alone: the image's own content, whitened and folded onto the
 * tile, projects onto every coded bit's direction too. On textured photos, UI screenshots and
 * generated art that host term is as large as the mark itself (measured at the right map with
 * scripts/noise-budget.ts: coded-domain SNR of the host alone 0.6–5 unattacked, 0.4–1.1 after
 * WebP q50 / JPEG q30), so a blind read of a perfectly synchronised, unattacked image already
 * has coded-bit errors. The embedder knows the host: it folds the original through the detector's
 * own whitening at the embedding map, reads the host's projection h on each coded symbol and the
 * mark's gain k (from a first plain render), and gives every symbol whose host margin bᵢ·hᵢ/k is
 * below HOST_MARGIN λ times the shortfall as extra amplitude; symbols the host already helps
 * enough keep ±1. The symbols are then scaled back to the same payload energy (renderTileSymbols), so the
 * visibility budget is unchanged; what the host no longer costs is margin. λ > 1 over-compensates
 * on purpose: compression shrinks the mark (gain 0.4–0.8 on textured images) more than the host.
 */
import { CODED_BITS, convEncode, messageBits } from "./ecc.ts";
import { bandCoefficients, fold } from "./fold.ts";
import type { RawImage } from "./image.ts";
import type { EmbedOptions } from "./options.ts";
import { codebook, codedSymbols, renderTileSymbols, TILE } from "./pattern.ts";
import { toPayload } from "./payload.ts";
import { layPattern, levelSmooth, planPlain, type EmbedPlan } from "./plan.ts";
import { renderPlan } from "./render.ts";
import { addLowCarrier } from "./low.ts";
import { detectorPlane } from "./whiten.ts";

/** Over-compensation of the host on opposed symbols (see the module comment). */
export const HOST_REJECTION = 3;
/** Symbols whose host margin is below this (in units of the mark's gain) are helped. */
export const HOST_MARGIN = 1;

/**
 * The detector's coded-domain read of an image at the embedding map (no attack): Qᵀ times the
 * payload dimensions of the whitened, folded luma at shift 0.
 */
export function codedRead(image: RawImage, period: number, scale = 1): Float64Array {
  // the host as the detector will see it (its downsampling and whitening)
  const { w, width, height, f } = detectorPlane(image);
  const s = (scale * f * TILE) / period;
  const coef = bandCoefficients(fold(w, width, height, { a: s, b: 0, c: 0, d: s }));
  const cb = codebook();
  const nP = cb.pilotBins.length;
  const soft = new Float64Array(CODED_BITS);
  for (let r = 0; r < cb.dims; r++) {
    const v = coef[2 * nP + r]!;
    const row = r * CODED_BITS;
    for (let c = 0; c < CODED_BITS; c++) soft[c]! += cb.q[row + c]! * v;
  }
  return soft;
}

/**
 * Channel symbols that reject the host. b: the plain ±1 symbols; host = codedRead(original);
 * marked = codedRead(the plain render). k, the mark's gain, is the mean of bᵢ·(markedᵢ − hostᵢ);
 * symbol i's host margin is bᵢ·hostᵢ/k (negative where the host works against it). Every symbol
 * whose margin is below `margin` gets λ times the shortfall added; the others keep ±1. Returns b
 * when the mark did not register (k ≤ 0). (Correcting the render's own unevenness as well, from
 * bᵢ·markedᵢ, raised the unattacked margin more but helped less after WebP q50 / JPEG q30 / 0.5× +
 * JPEG q75 on the hard photos; so did targeting the reference attack's read.)
 */
export function informedSymbols(
  b: Float64Array,
  host: Float64Array,
  marked: Float64Array,
  lambda = HOST_REJECTION,
  margin = HOST_MARGIN,
): Float64Array {
  let k = 0;
  for (let i = 0; i < CODED_BITS; i++) k += b[i]! * (marked[i]! - host[i]!);
  k /= CODED_BITS;
  if (!(k > 0)) return b;
  return b.map((v, i) => {
    const need = margin - (v * host[i]!) / k;
    return need > 0 ? v * (1 + lambda * need) : v;
  });
}

/**
 * Analyses an image for embedding `payload`: the plain plan and one plain render at the default
 * caps, from which the smooth region's cap is levelled (levelSmooth); then (unless `informed:
 * false`) the host's and that render's coded reads, and the pattern re-laid with the
 * host-rejecting symbols. Every strength embedVerified tries renders from it.
 */
export function planEmbed(image: RawImage, payload: bigint | string, options: EmbedOptions = {}): EmbedPlan {
  const plan = planPlain(image, payload, options);
  // at the default caps whatever the JND scale, so that every strength renders from one plan
  const plain = renderPlan(plan);
  if (plan.capFlat) {
    const t = performance.now();
    levelSmooth(plan, plain);
    if (options.stages) options.stages.level = (options.stages.level ?? 0) + performance.now() - t;
  }
  if (options.informed === false) return plan;
  const t0 = performance.now();
  const p = toPayload(payload);
  const b = codedSymbols(convEncode(messageBits(p)));
  const host = codedRead(image, plan.period);
  // the read of the unlevelled render: the mark's gain k changes little, and λ over-compensates anyway
  const marked = codedRead(plain, plan.period);
  const primary = renderTileSymbols(informedSymbols(b, host, marked));
  layPattern(plan, primary);
  if (options.stages) options.stages.informed = (options.stages.informed ?? 0) + performance.now() - t0;
  // (v9) the low-frequency second carrier, where its read clears the host (src/low.ts)
  const t1 = performance.now();
  addLowCarrier(plan, b, primary);
  if (options.stages) options.stages.low = (options.stages.low ?? 0) + performance.now() - t1;
  return plan;
}
