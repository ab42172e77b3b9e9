/**
 * The image-dependent half of an embed: luma statistics, structure tensor, the two visibility caps
 * per pixel, and the mark pattern laid out through the mask.
 */
import { CODED_BITS, convEncode, messageBits } from "./ecc.ts";
import { boxMean, luma, validateImage, type RawImage } from "./image.ts";
import { edgeFactor } from "./jnd.ts";
import { isSmooth, SMOOTH_MIN_SHARE, smoothChangeOver } from "./metrics.ts";
import type { EmbedOptions } from "./options.ts";
import { renderTile, TILE } from "./pattern.ts";
import { toPayload } from "./payload.ts";
import {
  JND_FLAT,
  JND_MAX,
  JND_TEXTURE,
  LUMA_ADAPT,
  MASK_RADIUS,
  maskAt,
  maskShape,
  smallness,
  SMOOTH_BOOST_MAX,
  SMOOTH_GUARD_CHROMA,
  SMOOTH_GUARD_LUMA,
  SMOOTH_LEVEL_CHROMA,
  SMOOTH_LEVEL_LUMA,
  SMOOTH_LEVEL_MIN_SHARE,
  SSIM_C2,
  SSIM_K,
  tilePeriod,
} from "./visibility.ts";

/** Local contrast (7×7 high-pass RMS, grey levels) up to which the change is neutral, and from which it is along the luma vector. */
const NEUTRAL_FROM = 1;
const NEUTRAL_TO = 2;

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

/**
 * The image-dependent half of an embed (luma statistics, structure tensor, the mark pattern through
 * the mask, and the two visibility caps per pixel). It does not depend on the JND scale, so
 * embedVerified analyses once and renders each strength from the same plan.
 */
export interface EmbedPlan {
  image: RawImage;
  /** tile period in pixels (tilePeriod) */
  period: number;
  /** the perceptual mask per pixel */
  mask: Float32Array;
  /** pattern · mask per pixel (layPattern) */
  d: Float32Array;
  /** Σ d² */
  sumSq: number;
  /**
   * per pixel, over the mask: the JND cap's texture part (what a raised JND scale multiplies) and its
   * flat part (luminance adaptation × JND_FLAT, never raised: a smooth area masks nothing, so
   * strengthening there is what shows as grain), and the SSIM bound (null with jnd: false)
   */
  capJ: Float32Array | null;
  capFlat: Float32Array | null;
  capS: Float32Array | null;
  /**
   * per pixel in [0, 1]: how much of the change goes neutral (ΔR = ΔG = ΔB) instead of along the
   * luma vector — 1 on smooth pixels, where the luma vector's green–magenta tint shows, 0 in texture
   * (null with jnd: false)
   */
  neutral: Float32Array | null;
  /** per pixel 1 / (2σ² + C₂), σ the 7×7 luma std: an added pattern of local power a² costs SSIM ≈ a²/(2σ² + C₂) */
  ssimWeight: Float32Array;
  /** per pixel 1 where the host is smooth as smoothChange counts it (metrics.ts smoothPixels; null with jnd: false) */
  smooth: Uint8Array | null;
  target: number;
  minPsnr: number;
  /** per pixel 1 within one pixel of a smooth one: what the metric's 3×3 mean reaches (limitSmooth; on first use) */
  smoothReach?: Uint8Array;
  /** a per-pixel working plane for renderPlan (allocated on first use) */
  scratch?: Float32Array;
}

/**
 * Analyses an image for embedding `payload` with the plain ±1 symbols (no re-mark handling: see
 * embed's `existing`; no host rejection: see informed.ts's planEmbed).
 */
export function planPlain(image: RawImage, payload: bigint | string, options: EmbedOptions = {}): EmbedPlan {
  validateImage(image);
  const p = toPayload(payload);
  const target = options.psnr ?? 42.2;
  const minPsnr = options.minPsnr ?? target - 0.2;
  if (!(target > 20 && target < 80))
    throw new RangeError(`psnr target must be in (20, 80) dB, got ${target}`);
  const { width, height } = image;
  const n = width * height;
  // Small images hold few tile periods: move toward the milder square-root mask (more energy in
  // flat areas, where detection is easiest) as the canonical-grid pixel count falls below 200k.
  const period = tilePeriod(width, height);
  const { offset: maskOffset, exponent: maskExponent } = maskShape(width, height, options);
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
  const ssimWeight = mean2; // reuse: read before it is overwritten
  const maskValue = new Float32Array(n);
  const capFlat = capOn ? new Float32Array(n) : null;
  const neutral = capOn ? new Float32Array(n) : null;
  const smoothMask = capOn ? new Uint8Array(n) : null;
  // local numbers, not the imported bindings (see rounding.ts applyDelta)
  const jndMax = +JND_MAX;
  const ssimC2 = +SSIM_C2;
  for (let i = 0; i < n; i++) {
    const mu = mean[i]!;
    const v = mean2[i]! - mu * mu;
    const sd = Math.sqrt(v > 0 ? v : 0);
    ssimWeight[i] = 1 / (2 * sd * sd + ssimC2);
    const m = maskAt(sd, maskOffset, maskExponent);
    maskValue[i] = m;
    if (capOn) {
      const li = mu < 0 ? 0 : mu > 255 ? 255 : mu | 0;
      const t2 = tex2[i]!;
      smoothMask![i] = isSmooth(t2);
      const tau = t2 > 0 ? Math.sqrt(t2) : 0; // the running-sum box mean can go a hair below 0
      const la = LUMA_ADAPT[li]!;
      const flat = la * JND_FLAT;
      const tex = la * JND_TEXTURE * tau * edge![i]!;
      const w = (NEUTRAL_TO - tau) / (NEUTRAL_TO - NEUTRAL_FROM);
      const smooth = w > 1 ? 1 : w < 0 ? 0 : w;
      neutral![i] = smooth;
      // below NEUTRAL_FROM of local contrast (8-bit noise on a gradient) nothing masks: none of the cap rises there
      const fixed = flat + tex * smooth;
      // (the raised part times the edge factor once more took a dotted rim off soft gradient edges
      // but cost WebP q50 72.7 → 50% on the quick subset: not done)
      const raised = flat + tex < jndMax ? tex * (1 - smooth) : Math.max(0, jndMax - fixed);
      capFlat![i] = (fixed < jndMax ? fixed : jndMax) / m;
      capJ![i] = raised / m;
      capS![i] = (ssimK * Math.sqrt(2 * sd * sd + ssimC2)) / m;
    }
  }
  const plan: EmbedPlan = {
    image,
    period,
    mask: maskValue,
    d,
    sumSq: 0,
    capJ,
    capFlat,
    capS,
    neutral,
    ssimWeight,
    smooth: smoothMask,
    target,
    minPsnr,
  };
  layPattern(plan, tileFor(p));
  if (stages) stages.analyse = (stages.analyse ?? 0) + performance.now() - t0;
  return plan;
}

/**
 * Levels the smooth region's change (v8): JPEG q30, WebP and 0.5× + JPEG q75 zero a flat block's
 * small DCT coefficients, so on a smooth image the mark survives only where its amplitude clears the
 * codec's dead zone, and the flat cap (luminance adaptation × JND_FLAT) left bright smooth images
 * (ukui--desert: RMS change 0.47 over its smooth pixels) at half the change the smooth-region limit
 * allows, and below what darker smooth images already carried (Fossa 0.70, Grey 0.78). Measured
 * on `marked`, a render of this plan at the default caps, the smooth pixels' RMS luma (chroma)
 * change is raised toward SMOOTH_LEVEL_LUMA (SMOOTH_LEVEL_CHROMA) by multiplying the cap of the
 * smooth-weighted pixels by up to SMOOTH_BOOST_MAX: the change grows at most in proportion (the
 * rounding's dither does not grow), so the levelled image stays under the targets, which sit below
 * the limits SMOOTH_RMS_MAX / SMOOTH_CHROMA_RMS_MAX. The strength steps still never raise it.
 * Returns the factor used (1: unchanged).
 */
export function levelSmooth(plan: EmbedPlan, marked: RawImage): number {
  const { capFlat, neutral, smooth: smoothMask } = plan;
  if (!capFlat || !neutral || !smoothMask) return 1;
  // the plan's fully neutral pixels are the metric's smooth ones (local contrast ≤ 1): a mostly
  // textured image is left alone before the change is measured
  let smooth = 0;
  for (let i = 0; i < neutral.length; i++) if (neutral[i] === 1) smooth++;
  if (smooth < SMOOTH_LEVEL_MIN_SHARE * neutral.length) return 1;
  const s = smoothChangeOver(plan.image, marked, smoothMask);
  if (s.fraction < SMOOTH_LEVEL_MIN_SHARE || !(s.lumaRms > 0)) return 1;
  const byChroma = s.chromaRms > 0 ? SMOOTH_LEVEL_CHROMA / s.chromaRms : SMOOTH_BOOST_MAX;
  const k = Math.min(SMOOTH_BOOST_MAX, SMOOTH_LEVEL_LUMA / s.lumaRms, byChroma);
  if (!(k > 1)) return 1;
  for (let i = 0; i < capFlat.length; i++) {
    const w = neutral[i]!;
    if (w > 0) capFlat[i] = capFlat[i]! * (1 + (k - 1) * w);
  }
  return k;
}

/**
 * The smooth-region guard: `marked` is a render of this plan; where its change over the smooth
 * pixels (smoothChange, with at least SMOOTH_MIN_SHARE of them) is above SMOOTH_GUARD_LUMA /
 * SMOOTH_GUARD_CHROMA, the caps are lowered only at the pixels the metric's 3×3 mean reaches (the
 * smooth ones and their one-pixel rim, where a strength step's raised texture cap spills in), by
 * (target / measured)^1.5: the rounding's dither does not shrink with the caps (measured, the
 * change fell as about the 0.7th power of the factor), so a plain ratio took 4–6 renders to get
 * under. Turning the change there neutral first did nothing for the chroma (0.351 → 0.340 on the
 * test's line art, ukui--2004default 0.256 → 0.256): it is the rounding's, not the luma vector's.
 * Returns true when the caps were lowered: render again and check once more.
 */
export function limitSmooth(plan: EmbedPlan, marked: RawImage): boolean {
  const { capFlat, capJ, capS, smooth } = plan;
  if (!capFlat || !capJ || !capS || !smooth) return false;
  const s = smoothChangeOver(plan.image, marked, smooth);
  const over = Math.max(s.lumaRms / SMOOTH_GUARD_LUMA, s.chromaRms / SMOOTH_GUARD_CHROMA);
  if (s.fraction < SMOOTH_MIN_SHARE || !(over > 1)) return false;
  const reach = (plan.smoothReach ??= dilate(smooth, plan.image.width, plan.image.height));
  const k = over ** -1.5;
  for (let i = 0; i < reach.length; i++)
    if (reach[i]) {
      capFlat[i] = capFlat[i]! * k;
      capJ[i] = capJ[i]! * k;
      capS[i] = capS[i]! * k;
    }
  return true;
}

/** 1 where the mask or one of its 8 neighbours is 1. */
function dilate(mask: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1); yy++)
        for (let xx = Math.max(0, x - 1); xx <= Math.min(width - 1, x + 1); xx++) out[yy * width + xx] = 1;
    }
  return out;
}

/**
 * Lays a tile out over the plan's pixels through its mask: d = mask · pattern (the tile itself, or
 * stretched bilinearly to a larger period), and Σ d².
 */
export function layPattern(plan: EmbedPlan, tile: Float32Array): void {
  const { width, height } = plan.image;
  const { period, mask, d } = plan;
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
      const val = mask[i]! * t;
      d[i] = val;
      sumSq += val * val;
    }
  }
  plan.sumSq = sumSq;
}
