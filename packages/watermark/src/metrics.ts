import { boxMean, WatermarkInputError, type RawImage } from "./image.ts";

/** PSNR in dB over the colour channels (alpha ignored), peak 255. Infinity for identical images. */
export function psnr(a: RawImage, b: RawImage): number {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) {
    throw new WatermarkInputError(
      `psnr needs images of the same shape, got ${a.width}×${a.height}×${a.channels} and ${b.width}×${b.height}×${b.channels}`,
    );
  }
  const n = a.width * a.height;
  const c = a.channels;
  let sse = 0;
  for (let i = 0, p = 0; i < n; i++, p += c) {
    for (let k = 0; k < 3; k++) {
      const d = a.data[p + k]! - b.data[p + k]!;
      sse += d * d;
    }
  }
  if (sse === 0) return Infinity;
  return 10 * Math.log10((255 * 255 * 3 * n) / sse);
}

function sameShape(a: RawImage, b: RawImage, what: string): void {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) {
    throw new WatermarkInputError(
      `${what} needs images of the same shape, got ${a.width}×${a.height}×${a.channels} and ${b.width}×${b.height}×${b.channels}`,
    );
  }
}

function lumaPlane(im: RawImage, out = new Float32Array(im.width * im.height)): Float32Array {
  const n = im.width * im.height;
  for (let i = 0, p = 0; i < n; i++, p += im.channels)
    out[i] = 0.299 * im.data[p]! + 0.587 * im.data[p + 1]! + 0.114 * im.data[p + 2]!;
  return out;
}

const GAUSS = (() => {
  const k = new Float32Array(11);
  let s = 0;
  for (let i = 0; i < 11; i++) s += k[i] = Math.exp(-((i - 5) ** 2) / (2 * 1.5 * 1.5));
  for (let i = 0; i < 11; i++) k[i]! /= s;
  return k;
})();

/** Separable Gaussian blur (σ = 1.5, 11 taps, edges clamped), as in Wang et al.'s SSIM. */
function gauss11(
  src: Float32Array,
  w: number,
  h: number,
  out = new Float32Array(w * h),
  tmp = new Float32Array(w * h),
): Float32Array {
  const k = GAUSS;
  const [k0, k1, k2, k3, k4, k5] = [k[0]!, k[1]!, k[2]!, k[3]!, k[4]!, k[5]!];
  const clampX = (x: number) => (x < 0 ? 0 : x >= w ? w - 1 : x);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let acc = 0;
      if (x >= 5 && x < w - 5) {
        const c = row + x;
        // the kernel is symmetric: pair the taps
        acc =
          k5 * src[c]! +
          k4 * (src[c - 1]! + src[c + 1]!) +
          k3 * (src[c - 2]! + src[c + 2]!) +
          k2 * (src[c - 3]! + src[c + 3]!) +
          k1 * (src[c - 4]! + src[c + 4]!) +
          k0 * (src[c - 5]! + src[c + 5]!);
      } else for (let t = -5; t <= 5; t++) acc += k[t + 5]! * src[row + clampX(x + t)]!;
      tmp[row + x] = acc;
    }
  }
  const r = new Int32Array(11);
  for (let y = 0; y < h; y++) {
    for (let t = -5; t <= 5; t++) r[t + 5] = (y + t < 0 ? 0 : y + t >= h ? h - 1 : y + t) * w;
    const [r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10] = r;
    const row = y * w;
    for (let x = 0; x < w; x++) {
      out[row + x] =
        k5 * tmp[r5! + x]! +
        k4 * (tmp[r4! + x]! + tmp[r6! + x]!) +
        k3 * (tmp[r3! + x]! + tmp[r7! + x]!) +
        k2 * (tmp[r2! + x]! + tmp[r8! + x]!) +
        k1 * (tmp[r1! + x]! + tmp[r9! + x]!) +
        k0 * (tmp[r0! + x]! + tmp[r10! + x]!);
    }
  }
  return out;
}

/** Mean SSIM of the luma (Wang, Bovik, Sheikh & Simoncelli 2004: Gaussian window σ 1.5, K = 0.01/0.03). */
export function ssim(a: RawImage, b: RawImage): number {
  sameShape(a, b, "ssim");
  return ssimAgainst(a)(b);
}

/**
 * SSIM against a fixed reference image: the reference's local statistics are computed once, so
 * scoring several candidates (embedVerified's strengths) costs three blurs each instead of five.
 */
export function ssimAgainst(a: RawImage): (b: RawImage) => number {
  const { width: w, height: h } = a;
  const n = w * h;
  const x = lumaPlane(a);
  const xx = new Float32Array(n);
  for (let i = 0; i < n; i++) xx[i] = x[i]! * x[i]!;
  const mx = gauss11(x, w, h);
  const sxx = gauss11(xx, w, h);
  // the candidate's planes, allocated once: scoring several candidates allocates nothing more
  const y = new Float32Array(n);
  const yy = new Float32Array(n);
  const xy = new Float32Array(n);
  const my = new Float32Array(n);
  const syy = new Float32Array(n);
  const sxy = new Float32Array(n);
  const tmp = new Float32Array(n);
  return (b) => {
    sameShape(a, b, "ssim");
    lumaPlane(b, y);
    products(x, y, yy, xy, n);
    gauss11(y, w, h, my, tmp);
    gauss11(yy, w, h, syy, tmp);
    gauss11(xy, w, h, sxy, tmp);
    return ssimSum(mx, my, sxx, syy, sxy, n) / n;
  };
}

/** yy = y², xy = x·y per pixel. */
function products(x: Float32Array, y: Float32Array, yy: Float32Array, xy: Float32Array, n: number): void {
  for (let i = 0; i < n; i++) {
    yy[i] = y[i]! * y[i]!;
    xy[i] = x[i]! * y[i]!;
  }
}

/**
 * The sum of the SSIM map from the blurred means, squares and product (top-level, not in
 * ssimAgainst's closure: there its loop allocated a heap number per pixel).
 */
function ssimSum(
  mx: Float32Array,
  my: Float32Array,
  sxx: Float32Array,
  syy: Float32Array,
  sxy: Float32Array,
  n: number,
): number {
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const ux = mx[i]!;
    const uy = my[i]!;
    const vx = sxx[i]! - ux * ux;
    const vy = syy[i]! - uy * uy;
    const cxy = sxy[i]! - ux * uy;
    sum += ((2 * ux * uy + c1) * (2 * cxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
  }
  return sum;
}

/** The q-quantile (e.g. 0.999) of the per-pixel change max(|ΔR|, |ΔG|, |ΔB|), in grey levels. */
export function absDiffQuantile(a: RawImage, b: RawImage, q: number): number {
  sameShape(a, b, "absDiffQuantile");
  const hist = new Float64Array(256);
  const n = a.width * a.height;
  const c = a.channels;
  for (let i = 0, p = 0; i < n; i++, p += c) {
    let m = 0;
    for (let k = 0; k < 3; k++) {
      const d = Math.abs(a.data[p + k]! - b.data[p + k]!);
      if (d > m) m = d;
    }
    hist[m]!++;
  }
  const target = q * n;
  let acc = 0;
  for (let v = 0; v < 256; v++) {
    acc += hist[v]!;
    if (acc >= target) return v;
  }
  return 255;
}

/** Local luma contrast below which a pixel counts as smooth (grey levels of 7×7 high-pass RMS). */
export const SMOOTH_CONTRAST = 1;

/** The change over the smooth part of an image (smoothChange). */
export interface SmoothChange {
  /** fraction of the pixels whose local contrast is below SMOOTH_CONTRAST */
  fraction: number;
  /** RMS of the 3×3-mean luma change over those pixels, grey levels (0 when there are none) */
  lumaRms: number;
  /** RMS of the 3×3-mean chroma change √(ΔCb² + ΔCr²) over those pixels (BT.601 scale) */
  chromaRms: number;
  /** the same per pixel, without the 3×3 mean (counts the rounding's ±1 dither in full) */
  lumaRmsPixel: number;
  chromaRmsPixel: number;
}

/**
 * Visibility on smooth regions, where PSNR/SSIM/p99.9 say little: a gradient hides nothing, so a
 * change a viewer does not notice in texture shows there as a mottled grain. Smooth pixels are those
 * of the original whose local contrast — the RMS of (luma − its 7×7 mean) over 7×7, zero on a clean
 * gradient — is below SMOOTH_CONTRAST; over them, the RMS luma and chroma change after a 3×3 mean.
 * The 3×3 mean is what makes the figure agree with what one sees at 1:1: it keeps the mark's band
 * (0.03–0.17 cycles/px, gain 0.65–0.97) and removes most of the rounding's pixel-scale ±1 dither,
 * which the per-pixel RMS counts in full though it is far less visible.
 */
export function smoothChange(a: RawImage, b: RawImage): SmoothChange {
  sameShape(a, b, "smoothChange");
  return smoothChangeOver(a, b, smoothPixels(a));
}

/** Per pixel 1 where the image's local contrast is below SMOOTH_CONTRAST (smoothChange's smooth pixels). */
export function smoothPixels(a: RawImage): Uint8Array {
  const { width, height } = a;
  const n = width * height;
  const y = lumaPlane(a);
  const tmp = new Float32Array(n);
  const mean = new Float32Array(n);
  boxMean(y, width, height, 3, mean, tmp);
  for (let i = 0; i < n; i++) {
    const h = y[i]! - mean[i]!;
    y[i] = h * h;
  }
  const tex2 = mean; // reuse
  boxMean(y, width, height, 3, tex2, tmp);
  const smooth = new Uint8Array(n);
  for (let i = 0; i < n; i++) smooth[i] = isSmooth(tex2[i]!);
  return smooth;
}

/**
 * 1 when a local mean squared high-pass (7×7 mean of (luma − its 7×7 mean)²) is below
 * SMOOTH_CONTRAST²: planPlain computes the same plane and keeps the mask, so levelSmooth does not
 * analyse the host again.
 */
export function isSmooth(tex2: number): 0 | 1 {
  return tex2 < SMOOTH_CONTRAST * SMOOTH_CONTRAST ? 1 : 0;
}

/** smoothChange over the given smooth pixels (smoothPixels of `a`, or a plan's copy of it). */
export function smoothChangeOver(a: RawImage, b: RawImage, smooth: Uint8Array): SmoothChange {
  sameShape(a, b, "smoothChange");
  const { width, height } = a;
  const n = width * height;
  const c = a.channels;
  const tmp = new Float32Array(n);
  const dY = new Float32Array(n);
  const dCb = new Float32Array(n);
  const dCr = new Float32Array(n);
  for (let i = 0, p = 0; i < n; i++, p += c) {
    const dr = b.data[p]! - a.data[p]!;
    const dg = b.data[p + 1]! - a.data[p + 1]!;
    const db = b.data[p + 2]! - a.data[p + 2]!;
    const dy = 0.299 * dr + 0.587 * dg + 0.114 * db;
    dY[i] = dy;
    dCb[i] = 0.564 * (db - dy);
    dCr[i] = 0.713 * (dr - dy);
  }
  const lY = boxMean(dY, width, height, 1, new Float32Array(n), tmp);
  const lCb = boxMean(dCb, width, height, 1, new Float32Array(n), tmp);
  const lCr = boxMean(dCr, width, height, 1, new Float32Array(n), tmp);
  let count = 0;
  let sy = 0;
  let sc = 0;
  let py = 0;
  let pc = 0;
  for (let i = 0; i < n; i++) {
    if (smooth[i] === 0) continue;
    count++;
    sy += lY[i]! * lY[i]!;
    sc += lCb[i]! * lCb[i]! + lCr[i]! * lCr[i]!;
    py += dY[i]! * dY[i]!;
    pc += dCb[i]! * dCb[i]! + dCr[i]! * dCr[i]!;
  }
  const rms = (v: number) => (count ? Math.sqrt(v / count) : 0);
  return {
    fraction: count / n,
    lumaRms: rms(sy),
    chromaRms: rms(sc),
    lumaRmsPixel: rms(py),
    chromaRmsPixel: rms(pc),
  };
}

/** Images with a smooth share below this have no smooth region to see: the figures skip them. */
export const SMOOTH_MIN_SHARE = 0.01;

/**
 * The visibility budget's smooth-region limits (README, "Visibility"): RMS luma and chroma change
 * over smooth pixels (smoothChange), grey levels. The JND cap's flat part is never raised and the
 * change there is neutral, so every image stays below them; the bench reports them per method.
 */
export const SMOOTH_RMS_MAX = 1;
export const SMOOTH_CHROMA_RMS_MAX = 0.25;
