/**
 * Solving the strength for the PSNR target under the visibility caps, and rendering a plan into
 * a marked image.
 */
import { WB, WG, WR, type RawImage } from "./image.ts";
import type { EmbedPlan } from "./plan.ts";
import { applyDelta, KB, KG, KR } from "./rounding.ts";
import { MAX_LUMA_STEP } from "./visibility.ts";

/** The strength may rise at most this much above the uncapped solution to restore the target energy. */
const MAX_BOOST = 4;
const HIST_PER_OCTAVE = 16;
const HIST_OCTAVES = 12; // log2(cap/m) in [−12, 12)
const HIST_BINS = 2 * HIST_OCTAVES * HIST_PER_OCTAVE;

/**
 * The per-pixel change before rounding: the strength solved for the plan's PSNR target under the
 * caps scaled by `jndScale` (the JND cap's texture part × jndScale — its flat part never rises —,
 * the SSIM bound × √jndScale). The change is delta · alpha (alpha is 1 where the caps apply).
 */
function solvePlan(plan: EmbedPlan, jndScale: number): { delta: Float32Array; alpha: number } {
  const { image, d, sumSq, capJ, capFlat, capS, target } = plan;
  const n = image.width * image.height;
  // strength: MSE over RGB = |k|² · α² · mean(d²) / 3 ... solved for the target PSNR
  const k2 = KR * KR + KG * KG + KB * KB;
  const targetMse = (255 * 255) / 10 ** (target / 10);
  const targetSum = (targetMse * 3 * n) / k2;
  const alpha = Math.sqrt(targetSum / Math.max(sumSq, 1e-9));
  if (!(capJ && capFlat && capS)) return { delta: d, alpha };
  // per-pixel amplitude min(α·m, cap): raise α (at most MAX_BOOST×) so that the capped energy
  // still meets the target; where the image cannot hide that much, the PSNR rises instead.
  // Energy histogram over log2(cap/m): the float's exponent and top 4 mantissa bits.
  // the plan's scratch plane: a render allocates only its output
  const ratio = (plan.scratch ??= new Float32Array(n));
  const sj = jndScale;
  const ss = Math.sqrt(jndScale);
  for (let i = 0; i < n; i++) {
    const cj = capFlat[i]! + capJ[i]! * sj;
    const cs = capS[i]! * ss;
    ratio[i] = cj < cs ? cj : cs;
  }
  const hist = new Float64Array(HIST_BINS);
  const bits = new Int32Array(ratio.buffer, ratio.byteOffset, n);
  const base = (127 - HIST_OCTAVES) * HIST_PER_OCTAVE;
  for (let i = 0; i < n; i++) {
    let b = (bits[i]! >> 19) - base;
    b = b < 0 ? 0 : b >= HIST_BINS ? HIST_BINS - 1 : b;
    hist[b]! += d[i]! * d[i]!;
  }
  // a local number: the call's result as a conditional's operand made each pixel's amplitude a heap number
  const gain = +cappedGain(hist, alpha, targetSum);
  const delta = ratio; // reuse
  for (let i = 0; i < n; i++) {
    const r = ratio[i]!;
    delta[i] = d[i]! * (r < gain ? r : gain);
  }
  return { delta, alpha: 1 };
}

/**
 * The plan's per-pixel luma change at `jndScale` before the 8-bit rounding, clipped to the step
 * limit: what a render adds to the luma, up to the rounding's dither (most of it above the mark's
 * band) and the PSNR retries. A new plane; about a tenth of a render's cost.
 */
export function planChange(plan: EmbedPlan, jndScale = 1): Float32Array {
  const { delta, alpha } = solvePlan(plan, jndScale);
  // local numbers and a plain loop (Float32Array.from with a mapping callback cost 2× a render)
  const step = +MAX_LUMA_STEP;
  const a = +alpha;
  const out = new Float32Array(delta.length);
  for (let i = 0; i < out.length; i++) {
    const d = delta[i]! * a;
    out[i] = d > step ? step : d < -step ? -step : d;
  }
  return out;
}

/** Representative cap/m of each energy-histogram bin. */
const HIST_REP = Float64Array.from(
  { length: HIST_BINS },
  (_, b) =>
    2 ** (Math.floor(b / HIST_PER_OCTAVE) - HIST_OCTAVES) *
    (1 + ((b % HIST_PER_OCTAVE) + 0.5) / HIST_PER_OCTAVE),
);

/**
 * Solves the strength for the plan's PSNR target under the caps scaled by `jndScale` (see
 * solvePlan) and renders the marked image.
 */
export function renderPlan(
  plan: EmbedPlan,
  jndScale = 1,
  stages?: Record<string, number>,
  info?: RenderInfo,
): RawImage {
  if (!(jndScale > 0 && jndScale <= 10)) throw new RangeError(`jndScale must be in (0, 10], got ${jndScale}`);
  const { image, minPsnr } = plan;
  const { width, height, channels, data } = image;
  const n = width * height;
  let t0 = performance.now();
  const lap = (name: string) => {
    if (!stages) return;
    const t = performance.now();
    stages[name] = (stages[name] ?? 0) + t - t0;
    t0 = t;
  };
  const solved = solvePlan(plan, jndScale);
  const delta = solved.delta;
  let alpha = solved.alpha;
  lap("solve");
  const out = new Uint8Array(data.length);
  for (let attempt = 0; attempt < 4; attempt++) {
    const sse = applyDelta(data, out, delta, alpha, channels, n, width, plan.neutral);
    const achieved = sse === 0 ? Infinity : 10 * Math.log10((255 * 255 * 3 * n) / sse);
    if (achieved >= minPsnr) break;
    alpha *= 10 ** ((achieved - minPsnr - 0.02) / 20);
  }
  lap("apply");
  if (info) {
    // SSIM-loss estimate: Σ a²/(2σ² + C₂) over the pixels, a the luma change as rounded to 8 bits
    // (the rounding's own error counts: on flat images it is a fair share of the change)
    const w = plan.ssimWeight;
    let loss = 0;
    for (let i = 0, p = 0; i < n; i++, p += channels) {
      const dv =
        WR * (out[p]! - data[p]!) + WG * (out[p + 1]! - data[p + 1]!) + WB * (out[p + 2]! - data[p + 2]!);
      loss += dv * dv * w[i]!;
    }
    info.ssimEstimate = 1 - loss / n;
  }
  return { width, height, channels, data: out };
}

/**
 * The SSIM loss of the change before rounding (mean of a²/(2σ² + C₂), a the luma change clipped to
 * ±MAX_LUMA_STEP) at `jndScale`, from every second pixel of every second row: its differences
 * between strengths track RenderInfo.ssimEstimate's, which embedVerified uses to predict the
 * strongest strength within the SSIM floor before it renders any. No rounding pass and a quarter
 * of the pixels: about a thirtieth of a render.
 */
export function sampledSsimLoss(plan: EmbedPlan, jndScale: number): number {
  const { image, d, sumSq, capJ, capFlat, capS, target, ssimWeight: w } = plan;
  const { width, height } = image;
  const n = width * height;
  const k2 = KR * KR + KG * KG + KB * KB;
  const targetSum = ((255 * 255) / 10 ** (target / 10)) * ((3 * n) / k2);
  let alpha = Math.sqrt(targetSum / Math.max(sumSq, 1e-9));
  if (!(capJ && capFlat && capS)) return sampledLoss(d, null, w, width, height, alpha);
  // the sample's caps at this scale, once (no closure in the loops: a new closure per call made
  // the optimised code bail out on every call)
  const sj = jndScale;
  const ss = Math.sqrt(jndScale);
  const caps = new Float64Array(((height + 1) >> 1) * ((width + 1) >> 1));
  // the capped energy's histogram over log2(cap) from the sample, ×4 for the pixels not sampled
  const hist = new Float64Array(HIST_BINS);
  const base = (127 - HIST_OCTAVES) * HIST_PER_OCTAVE;
  for (let y = 0, k = 0; y < height; y += 2) {
    for (let i = y * width, end = i + width; i < end; i += 2, k++) {
      const cj = capFlat[i]! + capJ[i]! * sj;
      const cs = capS[i]! * ss;
      const cap = cj < cs ? cj : cs;
      caps[k] = cap;
      F32[0] = cap;
      let b = (I32[0]! >> 19) - base;
      b = b < 0 ? 0 : b >= HIST_BINS ? HIST_BINS - 1 : b;
      hist[b]! += 4 * d[i]! * d[i]!;
    }
  }
  alpha = cappedGain(hist, alpha, targetSum);
  return sampledLoss(d, caps, w, width, height, alpha);
}

/** Mean of a²·w over the sample (every second pixel of every second row), a = d·min(cap, α) clipped. */
function sampledLoss(
  d: Float32Array,
  caps: Float64Array | null,
  w: Float32Array,
  width: number,
  height: number,
  alpha: number,
): number {
  // local numbers, not the imported binding or the caller's argument (see applyDelta, solvePlan)
  const step = +MAX_LUMA_STEP;
  const a = +alpha;
  let loss = 0;
  let count = 0;
  for (let y = 0, k = 0; y < height; y += 2) {
    for (let i = y * width, end = i + width; i < end; i += 2, k++) {
      let dv = d[i]!;
      if (caps) {
        const r = caps[k]!;
        dv *= r < a ? r : a;
      } else dv *= a;
      dv = dv > step ? step : dv < -step ? -step : dv;
      loss += dv * dv * w[i]!;
      count++;
    }
  }
  return loss / Math.max(count, 1);
}

/** One float's bits, for the histogram's log2 bins. */
const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);

/** What renderPlan can report beside the image. */
export interface RenderInfo {
  /**
   * 1 − mean of a²/(2σ² + C₂): SSIM as the caps model it. An estimate, not a bound: SSIM's Gaussian
   * window and the pattern's low frequencies (which move the window mean, not its variance) differ.
   */
  ssimEstimate?: number;
}

/**
 * The strength α (from `alpha` up to MAX_BOOST× it) at which the capped energy Σ min(α·m, cap)² —
 * from its histogram over log2(cap/m) — meets `targetSum`: geometric bisection, 24 steps.
 */
function cappedGain(hist: Float64Array, alpha: number, targetSum: number): number {
  const capped = (a: number): number => {
    let e = 0;
    for (let b = 0; b < HIST_BINS; b++) {
      const r = HIST_REP[b]!;
      e += r < a ? hist[b]! * r * r : hist[b]! * a * a;
    }
    return e;
  };
  let lo = alpha;
  let hi = alpha * MAX_BOOST;
  if (capped(hi) <= targetSum) return hi;
  for (let it = 0; it < 24; it++) {
    const mid = Math.sqrt(lo * hi);
    if (capped(mid) < targetSum) lo = mid;
    else hi = mid;
  }
  return lo;
}
