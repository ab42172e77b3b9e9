/**
 * Solving the strength for the PSNR target under the visibility caps, and rendering a plan into
 * a marked image.
 */
import { WB, WG, WR, type RawImage } from "./image.ts";
import type { EmbedPlan } from "./plan.ts";
import { applyDelta, KB, KG, KR } from "./rounding.ts";

/** The strength may rise at most this much above the uncapped solution to restore the target energy. */
const MAX_BOOST = 4;
const HIST_PER_OCTAVE = 16;
const HIST_OCTAVES = 12; // log2(cap/m) in [−12, 12)
const HIST_BINS = 2 * HIST_OCTAVES * HIST_PER_OCTAVE;

/**
 * Solves the strength for the plan's PSNR target under the caps scaled by `jndScale` (the JND
 * cap's texture part × jndScale — its flat part never rises —, the SSIM bound × √jndScale) and
 * renders the marked image.
 */
export function renderPlan(
  plan: EmbedPlan,
  jndScale = 1,
  stages?: Record<string, number>,
  info?: RenderInfo,
): RawImage {
  if (!(jndScale > 0 && jndScale <= 10)) throw new RangeError(`jndScale must be in (0, 10], got ${jndScale}`);
  const { image, d, sumSq, capJ, capFlat, capS, target, minPsnr } = plan;
  const { width, height, channels, data } = image;
  const n = width * height;
  let t0 = performance.now();
  const lap = (name: string) => {
    if (!stages) return;
    const t = performance.now();
    stages[name] = (stages[name] ?? 0) + t - t0;
    t0 = t;
  };
  // strength: MSE over RGB = |k|² · α² · mean(d²) / 3 ... solved for the target PSNR
  const k2 = KR * KR + KG * KG + KB * KB;
  const targetMse = (255 * 255) / 10 ** (target / 10);
  const targetSum = (targetMse * 3 * n) / k2;
  let alpha = Math.sqrt(targetSum / Math.max(sumSq, 1e-9));
  let delta = d;
  if (capJ && capFlat && capS) {
    // per-pixel amplitude min(α·m, cap): raise α (at most MAX_BOOST×) so that the capped energy
    // still meets the target; where the image cannot hide that much, the PSNR rises instead.
    // Energy histogram over log2(cap/m): the float's exponent and top 4 mantissa bits.
    const ratio = new Float32Array(n);
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
    const rep = new Float64Array(HIST_BINS);
    for (let b = 0; b < HIST_BINS; b++)
      rep[b] =
        2 ** (Math.floor(b / HIST_PER_OCTAVE) - HIST_OCTAVES) *
        (1 + ((b % HIST_PER_OCTAVE) + 0.5) / HIST_PER_OCTAVE);
    const capped = (a: number): number => {
      let e = 0;
      for (let b = 0; b < HIST_BINS; b++) {
        const r = rep[b]!;
        e += r < a ? hist[b]! * r * r : hist[b]! * a * a;
      }
      return e;
    };
    let lo = alpha;
    let hi = alpha * MAX_BOOST;
    if (capped(hi) <= targetSum) alpha = hi;
    else {
      for (let it = 0; it < 24; it++) {
        const mid = Math.sqrt(lo * hi);
        if (capped(mid) < targetSum) lo = mid;
        else hi = mid;
      }
      alpha = lo;
    }
    delta = ratio; // reuse
    for (let i = 0; i < n; i++) {
      const r = ratio[i]!;
      delta[i] = d[i]! * (r < alpha ? r : alpha);
    }
    alpha = 1;
  }
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

/** What renderPlan can report beside the image. */
export interface RenderInfo {
  /**
   * 1 − mean of a²/(2σ² + C₂): SSIM as the caps model it. An estimate, not a bound: SSIM's Gaussian
   * window and the pattern's low frequencies (which move the window mean, not its variance) differ.
   */
  ssimEstimate?: number;
}
