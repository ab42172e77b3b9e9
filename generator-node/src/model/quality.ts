/**
 * Image measures for the art model's quality sheet (bench) and tests:
 * - colourfulness: Hasler & Süsstrunk (2003), M = σ_rgyb + 0.3·μ_rgyb with rg = R − G, yb = (R + G)/2 − B
 * - edge density: share of pixels whose Sobel gradient magnitude of luma exceeds 80 (0–255 scale)
 * - high-frequency energy: share of the luma spectrum's energy (mean removed) above 0.125 cycles/px
 * - diversity: mean pairwise Hamming distance of 64-bit perceptual hashes (computed by the caller)
 * The thresholds are the ones used for the photo baseline in shared/NOTES.md.
 */
import { hammingDistance } from "@atelier/watermark";
import type { RawImage } from "./runtime.ts";

function luma(img: RawImage): Float64Array {
  const n = img.width * img.height;
  const out = new Float64Array(n);
  const c = img.channels;
  for (let i = 0; i < n; i++) {
    const o = i * c;
    out[i] = 0.299 * img.data[o]! + 0.587 * img.data[o + 1]! + 0.114 * img.data[o + 2]!;
  }
  return out;
}

export function colourfulness(img: RawImage): number {
  const n = img.width * img.height;
  const c = img.channels;
  let sRg = 0;
  let sYb = 0;
  let qRg = 0;
  let qYb = 0;
  for (let i = 0; i < n; i++) {
    const o = i * c;
    const r = img.data[o]!;
    const g = img.data[o + 1]!;
    const b = img.data[o + 2]!;
    const rg = r - g;
    const yb = 0.5 * (r + g) - b;
    sRg += rg;
    sYb += yb;
    qRg += rg * rg;
    qYb += yb * yb;
  }
  const mRg = sRg / n;
  const mYb = sYb / n;
  const vRg = qRg / n - mRg * mRg;
  const vYb = qYb / n - mYb * mYb;
  return Math.sqrt(vRg + vYb) + 0.3 * Math.sqrt(mRg * mRg + mYb * mYb);
}

export function edgeDensity(img: RawImage, threshold = 80): number {
  const { width: w, height: h } = img;
  const y = luma(img);
  let edges = 0;
  for (let py = 1; py < h - 1; py++) {
    for (let px = 1; px < w - 1; px++) {
      const i = py * w + px;
      const gx =
        y[i - w + 1]! + 2 * y[i + 1]! + y[i + w + 1]! - y[i - w - 1]! - 2 * y[i - 1]! - y[i + w - 1]!;
      const gy =
        y[i + w - 1]! + 2 * y[i + w]! + y[i + w + 1]! - y[i - w - 1]! - 2 * y[i - w]! - y[i - w + 1]!;
      if (gx * gx + gy * gy > threshold * threshold) edges++;
    }
  }
  return edges / ((w - 2) * (h - 2));
}

/** In-place radix-2 complex FFT (length a power of two). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

/** Share of the luma spectrum's energy (DC removed) above `cutoff` cycles/pixel; the top-left power-of-two square is used. */
export function highFrequencyEnergy(img: RawImage, cutoff = 0.125): number {
  let n = 1;
  while (n * 2 <= Math.min(img.width, img.height)) n *= 2;
  const y = luma(img);
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  let mean = 0;
  for (let py = 0; py < n; py++) for (let px = 0; px < n; px++) mean += y[py * img.width + px]!;
  mean /= n * n;
  for (let py = 0; py < n; py++)
    for (let px = 0; px < n; px++) re[py * n + px] = y[py * img.width + px]! - mean;
  const rowR = new Float64Array(n);
  const rowI = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    rowR.set(re.subarray(r * n, r * n + n));
    rowI.set(im.subarray(r * n, r * n + n));
    fft(rowR, rowI);
    re.set(rowR, r * n);
    im.set(rowI, r * n);
  }
  for (let col = 0; col < n; col++) {
    for (let r = 0; r < n; r++) {
      rowR[r] = re[r * n + col]!;
      rowI[r] = im[r * n + col]!;
    }
    fft(rowR, rowI);
    for (let r = 0; r < n; r++) {
      re[r * n + col] = rowR[r]!;
      im[r * n + col] = rowI[r]!;
    }
  }
  let total = 0;
  let high = 0;
  for (let v = 0; v < n; v++) {
    const fv = (v <= n / 2 ? v : v - n) / n;
    for (let u = 0; u < n; u++) {
      const fu = (u <= n / 2 ? u : u - n) / n;
      const e = re[v * n + u]! ** 2 + im[v * n + u]! ** 2;
      total += e;
      if (Math.hypot(fu, fv) > cutoff) high += e;
    }
  }
  return total > 0 ? high / total : 0;
}

/** Mean of `distance` over all unordered pairs of `items` (0 with fewer than two). */
export function meanPairwise<T>(items: readonly T[], distance: (a: T, b: T) => number): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < items.length; i++)
    for (let j = i + 1; j < items.length; j++) {
      sum += distance(items[i]!, items[j]!);
      pairs++;
    }
  return pairs > 0 ? sum / pairs : 0;
}

/** Mean pairwise Hamming distance (bits of 64) between perceptual hashes. */
export function meanPairwiseDistance(hashes: bigint[]): number {
  return meanPairwise(hashes, hammingDistance);
}

/** Mean hue warmth: mean over pixels of (R − B)/255 weighted by chroma; > 0 warm, < 0 cool. */
export function warmth(img: RawImage): number {
  const n = img.width * img.height;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const o = i * img.channels;
    s += (img.data[o]! - img.data[o + 2]!) / 255;
  }
  return s / n;
}

/** Circular mean hue in degrees (0 red, 60 yellow, 120 green, 240 blue), weighted by chroma. */
export function meanHue(img: RawImage): number {
  const n = img.width * img.height;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    const o = i * img.channels;
    const r = img.data[o]! / 255;
    const g = img.data[o + 1]! / 255;
    const b = img.data[o + 2]! / 255;
    // hue angle from the opponent axes, chroma as the weight
    const a = r - 0.5 * (g + b);
    const bb = (Math.sqrt(3) / 2) * (g - b);
    sx += a;
    sy += bb;
  }
  return ((Math.atan2(sy, sx) * 180) / Math.PI + 360) % 360;
}
