import { WatermarkInputError, type RawImage } from "./image.ts";

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

function lumaPlane(im: RawImage): Float32Array {
  const n = im.width * im.height;
  const out = new Float32Array(n);
  for (let i = 0, p = 0; i < n; i++, p += im.channels)
    out[i] = 0.299 * im.data[p]! + 0.587 * im.data[p + 1]! + 0.114 * im.data[p + 2]!;
  return out;
}

/** Separable Gaussian blur (σ = 1.5, 11 taps, edges clamped), as in Wang et al.'s SSIM. */
function gauss11(src: Float32Array, w: number, h: number): Float32Array {
  const k = new Float32Array(11);
  let s = 0;
  for (let i = 0; i < 11; i++) s += k[i] = Math.exp(-((i - 5) ** 2) / (2 * 1.5 * 1.5));
  for (let i = 0; i < 11; i++) k[i]! /= s;
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let t = -5; t <= 5; t++) {
        const xx = x + t < 0 ? 0 : x + t >= w ? w - 1 : x + t;
        acc += k[t + 5]! * src[row + xx]!;
      }
      tmp[row + x] = acc;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0;
      for (let t = -5; t <= 5; t++) {
        const yy = y + t < 0 ? 0 : y + t >= h ? h - 1 : y + t;
        acc += k[t + 5]! * tmp[yy * w + x]!;
      }
      out[y * w + x] = acc;
    }
  }
  return out;
}

/** Mean SSIM of the luma (Wang, Bovik, Sheikh & Simoncelli 2004: Gaussian window σ 1.5, K = 0.01/0.03). */
export function ssim(a: RawImage, b: RawImage): number {
  sameShape(a, b, "ssim");
  const { width: w, height: h } = a;
  const x = lumaPlane(a);
  const y = lumaPlane(b);
  const n = w * h;
  const xx = new Float32Array(n);
  const yy = new Float32Array(n);
  const xy = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    xx[i] = x[i]! * x[i]!;
    yy[i] = y[i]! * y[i]!;
    xy[i] = x[i]! * y[i]!;
  }
  const mx = gauss11(x, w, h);
  const my = gauss11(y, w, h);
  const sxx = gauss11(xx, w, h);
  const syy = gauss11(yy, w, h);
  const sxy = gauss11(xy, w, h);
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
  return sum / n;
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
