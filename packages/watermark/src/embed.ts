import { CODED_BITS, convEncode, messageBits } from "./ecc.ts";
import { boxMean, luma, validateImage, WatermarkInputError, WB, WG, WR, type RawImage } from "./image.ts";
import { detectAligned, type Alignment } from "./detect.ts";
import { CANONICAL_SIDE, renderTile, TILE } from "./pattern.ts";
import { edgeFactor } from "./jnd.ts";

export { CANONICAL_SIDE };
import { toPayload } from "./payload.ts";

export interface EmbedOptions {
  /** Target PSNR in dB (RGB, peak 255). The strength is adapted per image to meet it. Default 42.2. */
  psnr?: number;
  /** Never go below this PSNR (dB) after rounding and clipping; default psnr − 0.2 (42.0 by default). */
  minPsnr?: number;
  /**
   * What to do when the image already carries an Atelier mark (checking costs one detect):
   * "ignore" (default, no check; two overlapping marks usually make both unreadable),
   * "error" (throw), or "replace" (estimate and subtract the old mark, then embed; the PSNR target
   * then applies to the cleaned image, and the output differs more from the input).
   */
  existing?: "ignore" | "error" | "replace";
  /** Advanced: perceptual mask m = (local std + maskOffset)^maskExponent. */
  maskExponent?: number;
  maskOffset?: number;
  /**
   * Cap each pixel's change at a just-noticeable-difference estimate (luminance adaptation ×
   * texture masking), so smooth, flat images are not covered in grain; PSNR then rises above the
   * target where the image cannot hide the energy. Default true.
   */
  jnd?: boolean;
  /**
   * Multiplies the JND cap (default 1). embedVerified raises it, step by step, only when the mark
   * does not read back; the PSNR floor and the per-pixel step limit still hold.
   */
  jndScale?: number;
  /** If given, receives milliseconds per stage (analyse, solve, apply). */
  stages?: Record<string, number>;
}

const MASK_RADIUS = 3;
/**
 * Perceptual mask m = (local std + MASK_OFFSET)^MASK_EXPONENT. Exponent 0 (the default) is a flat
 * mask: the amplitude is min(α, JND cap) everywhere, so the JND model alone decides where the
 * image cannot take more, and the PSNR budget goes as evenly as the caps allow — which is what
 * the whitened detector rewards (energy in high-contrast areas is divided away by its contrast).
 */
export const MASK_OFFSET = 1;
export const MASK_EXPONENT = 0;
/** Canonical-grid pixel counts between which the mask goes from (std + 3)^0.5 to (std + 1)^1. */
const SMALL_PIXELS = 20_000;
const LARGE_PIXELS = 200_000;

/**
 * Visibility cap on the per-pixel mark amplitude (RMS luma change, grey levels), a JND model in the
 * spirit of Chou & Li 1995 / Yang et al. 2005: luminance adaptation (Chou & Li's background-luminance
 * threshold, normalised to 1 at mid grey) times (JND_FLAT + JND_TEXTURE · local high-pass RMS). The
 * high-pass (luma − its 7×7 mean) ignores smooth gradients, which hide nothing — unlike the local
 * std of the embedding mask, which a gradient alone raises.
 */
export const JND_FLAT = 0.4;
export const JND_TEXTURE = 0.5;
/** Upper limit of the JND cap (grey levels of RMS luma change), whatever the texture. */
export const JND_MAX = 5;
/**
 * No pixel's luma moves by more than this: with the change along the luma vector, the green
 * channel moves 1.31× the luma change, so no channel changes by more than 12 grey levels.
 */
export const MAX_LUMA_STEP = 9.1;

/**
 * SSIM bound: an added pattern of RMS a in a window of luma std σ costs that window's SSIM about
 * a² / (2σ² + C₂) (C₂ = (0.03·255)²), so a ≤ SSIM_K·√(2σ² + C₂) keeps every window's loss ≤ SSIM_K²
 * (2%), whatever the texture — the JND model alone lets texture take far more than SSIM allows.
 */
export const SSIM_K = 0.14;
const SSIM_C2 = (0.03 * 255) ** 2;

/** The strength may rise at most this much above the uncapped solution to restore the target energy. */
const MAX_BOOST = 4;
const HIST_PER_OCTAVE = 16;
const HIST_OCTAVES = 12; // log2(cap/m) in [−12, 12)
const HIST_BINS = 2 * HIST_OCTAVES * HIST_PER_OCTAVE;

/** Luminance adaptation by background luma 0..255 (Chou & Li 1995, ÷3 so mid grey is 1), capped. */
const JND_MAX_LUMA = 1.5;
const LUMA_ADAPT = new Float32Array(256);
for (let bg = 0; bg < 256; bg++) {
  const t = bg <= 127 ? 17 * (1 - Math.sqrt(bg / 127)) + 3 : (3 / 128) * (bg - 127) + 3;
  LUMA_ADAPT[bg] = Math.min(t / 3, JND_MAX_LUMA);
}

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

/** 0 for images of ≤ 20k canonical-grid pixels, 1 from 200k. */
function smallness(width: number, height: number): number {
  const canonicalPixels = width * height * (TILE / tilePeriod(width, height)) ** 2;
  return Math.min(1, Math.max(0, (canonicalPixels - SMALL_PIXELS) / (LARGE_PIXELS - SMALL_PIXELS)));
}

/** The perceptual mask for an image of this size (see EmbedOptions.maskExponent). */
function maskFunction(width: number, height: number, options: EmbedOptions): (sd: number) => number {
  const t = smallness(width, height);
  const mOff = options.maskOffset ?? 3 + (MASK_OFFSET - 3) * t;
  const mExp = options.maskExponent ?? 0.5 + (MASK_EXPONENT - 0.5) * t;
  if (mExp === 0) return () => 1;
  if (mExp === 1) return (sd) => sd + mOff;
  if (mExp === 0.5) return (sd) => Math.sqrt(sd + mOff);
  return (sd) => Math.pow(sd + mOff, mExp);
}

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
function removeMark(image: RawImage, old: bigint, al: Alignment, options: EmbedOptions): RawImage {
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

/**
 * Embeds a 64-bit payload (bigint or 16 hex digits). Returns a new image of the same shape;
 * alpha is copied unchanged.
 */
export function embed(image: RawImage, payload: bigint | string, options: EmbedOptions = {}): RawImage {
  validateImage(image);
  const p = toPayload(payload);
  const jndScale = options.jndScale ?? 1;
  if (!(jndScale > 0 && jndScale <= 10)) throw new RangeError(`jndScale must be in (0, 10], got ${jndScale}`);
  const base = handleExisting(image, p, options);
  return renderPlan(planEmbed(base, p, options), jndScale, options.stages);
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
    ? removeMark(image, found.detection.payload, found.alignment, options)
    : image;
}

/**
 * The image-dependent half of an embed (luma statistics, structure tensor, the mark pattern through
 * the mask, and the two visibility caps per pixel). It does not depend on the JND scale, so
 * embedVerified analyses once and renders each strength from the same plan.
 */
export interface EmbedPlan {
  image: RawImage;
  /** pattern · mask per pixel */
  d: Float32Array;
  /** Σ d² */
  sumSq: number;
  /** per pixel: min(JND, JND_MAX) / mask and the SSIM bound / mask (null with jnd: false) */
  capJ: Float32Array | null;
  capS: Float32Array | null;
  /** per pixel 1 / (2σ² + C₂), σ the 7×7 luma std: an added pattern of local power a² costs SSIM ≈ a²/(2σ² + C₂) */
  ssimWeight: Float32Array;
  target: number;
  minPsnr: number;
}

/** Analyses an image for embedding `payload` (no re-mark handling: see embed's `existing`). */
export function planEmbed(image: RawImage, payload: bigint | string, options: EmbedOptions = {}): EmbedPlan {
  validateImage(image);
  const p = toPayload(payload);
  const target = options.psnr ?? 42.2;
  const minPsnr = options.minPsnr ?? target - 0.2;
  if (!(target > 20 && target < 80))
    throw new RangeError(`psnr target must be in (20, 80) dB, got ${target}`);
  const { width, height } = image;
  const n = width * height;
  const tile = tileFor(p);
  // Small images hold few tile periods: move toward the milder square-root mask (more energy in
  // flat areas, where detection is easiest) as the canonical-grid pixel count falls below 200k.
  const period = tilePeriod(width, height);
  const mask = maskFunction(width, height, options);
  // small images hold few tile periods: their SSIM bound loosens (up to 2.5× below 20k canonical pixels)
  const small = 1 - smallness(width, height);
  const ssimK = SSIM_K * (1 + 1.5 * small);

  // perceptual mask m = (local std of luma + offset)^exponent, and the visibility cap (see JND_FLAT)
  const stages = options.stages;
  const t0 = performance.now();
  const y = luma(image);
  const capOn = options.jnd ?? true;
  const edge = capOn ? edgeFactor(y, width, height) : null;
  const tmp = new Float32Array(n);
  const mean = new Float32Array(n);
  boxMean(y, width, height, MASK_RADIUS, mean, tmp);
  const mean2 = new Float32Array(n);
  const hp2 = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = y[i]!;
    const h = v - mean[i]!;
    hp2[i] = h * h;
    y[i] = v * v;
  }
  boxMean(y, width, height, MASK_RADIUS, mean2, tmp);
  const tex2 = y; // reuse: local mean of the squared high-pass
  boxMean(hp2, width, height, MASK_RADIUS, tex2, tmp);
  const d = hp2; // reuse: pattern · mask
  const capJ = capOn ? tmp : null; // reuse
  const capS = capOn ? edge! : null; // reuse: the edge factor is read before it is overwritten
  // pattern value per pixel: the tile itself, or the tile stretched to a larger period (bilinear)
  const s = TILE / period;
  const x0 = new Int32Array(width);
  const x1 = new Int32Array(width);
  const fx = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const u = period === TILE ? x % TILE : (x * s) % TILE;
    const i0 = Math.floor(u);
    x0[x] = i0;
    x1[x] = (i0 + 1) % TILE;
    fx[x] = u - i0;
  }
  const ssimWeight = mean2; // reuse: read before it is overwritten
  let sumSq = 0;
  for (let yy = 0, i = 0; yy < height; yy++) {
    const v0 = period === TILE ? yy % TILE : (yy * s) % TILE;
    const j0 = Math.floor(v0);
    const r0 = j0 * TILE;
    const r1 = ((j0 + 1) % TILE) * TILE;
    const fy = v0 - j0;
    for (let x = 0; x < width; x++, i++) {
      const a = x0[x]!;
      let t: number;
      if (period === TILE) t = tile[r0 + a]!;
      else {
        const b = x1[x]!;
        const f = fx[x]!;
        const top = tile[r0 + a]! + f * (tile[r0 + b]! - tile[r0 + a]!);
        const bot = tile[r1 + a]! + f * (tile[r1 + b]! - tile[r1 + a]!);
        t = top + fy * (bot - top);
      }
      const mu = mean[i]!;
      const v = mean2[i]! - mu * mu;
      const sd = Math.sqrt(v > 0 ? v : 0);
      ssimWeight[i] = 1 / (2 * sd * sd + SSIM_C2);
      const m = mask(sd);
      const val = m * t;
      d[i] = val;
      sumSq += val * val;
      if (capOn) {
        const li = mu < 0 ? 0 : mu > 255 ? 255 : mu | 0;
        const j = LUMA_ADAPT[li]! * (JND_FLAT + JND_TEXTURE * Math.sqrt(tex2[i]!) * edge![i]!);
        capJ![i] = (j < JND_MAX ? j : JND_MAX) / m;
        capS![i] = (ssimK * Math.sqrt(2 * sd * sd + SSIM_C2)) / m;
      }
    }
  }
  if (stages) stages.analyse = (stages.analyse ?? 0) + performance.now() - t0;
  return { image, d, sumSq, capJ, capS, ssimWeight, target, minPsnr };
}

/**
 * Solves the strength for the plan's PSNR target under the caps scaled by `jndScale` (the JND
 * cap × jndScale, the SSIM bound × √jndScale) and renders the marked image.
 */
export function renderPlan(
  plan: EmbedPlan,
  jndScale = 1,
  stages?: Record<string, number>,
  info?: RenderInfo,
): RawImage {
  if (!(jndScale > 0 && jndScale <= 10)) throw new RangeError(`jndScale must be in (0, 10], got ${jndScale}`);
  const { image, d, sumSq, capJ, capS, target, minPsnr } = plan;
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
  if (capJ && capS) {
    // per-pixel amplitude min(α·m, cap): raise α (at most MAX_BOOST×) so that the capped energy
    // still meets the target; where the image cannot hide that much, the PSNR rises instead.
    // Energy histogram over log2(cap/m): the float's exponent and top 4 mantissa bits.
    const ratio = new Float32Array(n);
    const sj = jndScale;
    const ss = Math.sqrt(jndScale);
    for (let i = 0; i < n; i++) {
      const cj = capJ[i]! * sj;
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
    const sse = applyDelta(data, out, delta, alpha, channels, n, width);
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

/**
 * Weight of a squared luma error against the squared RGB error when a pixel's change is rounded to
 * whole grey levels (see applyDelta).
 */
const LUMA_WEIGHT = 8;
/** Luma moved by each floor/ceil choice of a pixel (bit 2: R up, bit 1: G up, bit 0: B up). */
const CHOICE_LUMA = Float64Array.from(
  { length: 8 },
  (_, k) => (k & 4 ? WR : 0) + (k & 2 ? WG : 0) + (k & 1 ? WB : 0),
);

/**
 * Adds ΔY = alpha · d (clipped to ±MAX_LUMA_STEP) along the luma vector and rounds to 8 bits so
 * that the luma change survives the rounding. Rounding each channel on its own erases any change
 * below half a grey level — exactly what the visibility caps leave on smooth, flat images (upscales,
 * flat generated art), where a 0.4-level mark came out as nothing or as a sparse ±1 in green. Here
 * each pixel takes the floor/ceil combination of its three channels whose luma is nearest the wanted
 * change (R, G and B steps move luma by 0.299, 0.587 and 0.114, so whole-level colour steps can
 * realise luma in steps of ~0.1), and the luma that still differs is diffused to the neighbours
 * (Floyd–Steinberg), which pushes the rounding error above the mark's band. The chroma moves by at
 * most one grey level per channel more than the plain rounding would.
 */
function applyDelta(
  src: Uint8Array | Uint8ClampedArray,
  out: Uint8Array,
  d: Float32Array,
  alpha: number,
  channels: number,
  n: number,
  width: number,
): number {
  let sse = 0;
  let errCur = new Float32Array(width + 2);
  let errNext = new Float32Array(width + 2);
  for (let i = 0, p = 0, x = 0; i < n; i++, p += channels, x++) {
    if (x === width) {
      x = 0;
      const t = errCur;
      errCur = errNext;
      errNext = t;
      errNext.fill(0);
    }
    let dv = d[i]! * alpha;
    dv = dv > MAX_LUMA_STEP ? MAX_LUMA_STEP : dv < -MAX_LUMA_STEP ? -MAX_LUMA_STEP : dv;
    let want = dv + errCur[x + 1]!;
    want = want > MAX_LUMA_STEP ? MAX_LUMA_STEP : want < -MAX_LUMA_STEP ? -MAX_LUMA_STEP : want;
    const r = src[p]!;
    const g = src[p + 1]!;
    const b = src[p + 2]!;
    const tr = r + KR * want;
    const tg = g + KG * want;
    const tb = b + KB * want;
    const lr = Math.floor(tr);
    const lg = Math.floor(tg);
    const lb = Math.floor(tb);
    let nr: number;
    let ng: number;
    let nb: number;
    if (lr < 0 || lg < 0 || lb < 0 || lr > 254 || lg > 254 || lb > 254) {
      // at the range's ends: plain rounding, clamped
      nr = Math.round(tr);
      ng = Math.round(tg);
      nb = Math.round(tb);
      nr = nr < 0 ? 0 : nr > 255 ? 255 : nr;
      ng = ng < 0 ? 0 : ng > 255 ? 255 : ng;
      nb = nb < 0 ? 0 : nb > 255 ? 255 : nb;
    } else {
      const fr = tr - lr;
      const fg = tg - lg;
      const fb = tb - lb;
      const e0 = WR * fr + WG * fg + WB * fb;
      // the 8 floor/ceil choices (bit 2: R up, bit 1: G up, bit 0: B up), cost 8·ΔY-error² + RGB-error²
      const r0 = fr * fr;
      const r1 = (1 - fr) * (1 - fr);
      const g0 = fg * fg;
      const g1 = (1 - fg) * (1 - fg);
      const b0 = fb * fb;
      const b1 = (1 - fb) * (1 - fb);
      let best = 0;
      let bestCost = Infinity;
      for (let k = 0; k < 8; k++) {
        const y = CHOICE_LUMA[k]! - e0;
        const cost = LUMA_WEIGHT * y * y + (k & 4 ? r1 : r0) + (k & 2 ? g1 : g0) + (k & 1 ? b1 : b0);
        if (cost < bestCost) {
          bestCost = cost;
          best = k;
        }
      }
      nr = lr + (best >> 2);
      ng = lg + ((best >> 1) & 1);
      nb = lb + (best & 1);
    }
    out[p] = nr;
    out[p + 1] = ng;
    out[p + 2] = nb;
    if (channels === 4) out[p + 3] = src[p + 3]!;
    const dr = nr - r;
    const dg = ng - g;
    const db = nb - b;
    sse += dr * dr + dg * dg + db * db;
    let e = want - (WR * dr + WG * dg + WB * db);
    e = e > 1 ? 1 : e < -1 ? -1 : e;
    errCur[x + 2]! += e * (7 / 16);
    errNext[x]! += e * (3 / 16);
    errNext[x + 1]! += e * (5 / 16);
    errNext[x + 2]! += e * (1 / 16);
  }
  return sse;
}
