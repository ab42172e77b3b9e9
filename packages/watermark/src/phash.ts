/**
 * 64-bit DCT perceptual hash (the pHash of Zauner 2010, ImageHash variant): luma → 32×32 area
 * resample → 2-D DCT-II → the 8×8 lowest frequencies → one bit per coefficient: above the median.
 */
import { luma, validateImage, type RawImage } from "./image.ts";

const N = 32;
const H = 8;
let dctMatrix: Float64Array | null = null;

function dct(): Float64Array {
  if (dctMatrix) return dctMatrix;
  const m = new Float64Array(N * N);
  for (let k = 0; k < N; k++) {
    const s = k === 0 ? Math.sqrt(1 / N) : Math.sqrt(2 / N);
    for (let i = 0; i < N; i++) m[k * N + i] = s * Math.cos((Math.PI * (2 * i + 1) * k) / (2 * N));
  }
  dctMatrix = m;
  return m;
}

/** Area-weighted resample of one axis: weights of source samples for each of `outLen` cells. */
function areaWeights(inLen: number, outLen: number): { idx: Int32Array; w: Float64Array; start: Int32Array } {
  const scale = inLen / outLen;
  const idx: number[] = [];
  const w: number[] = [];
  const start = new Int32Array(outLen + 1);
  for (let o = 0; o < outLen; o++) {
    start[o] = idx.length;
    const a = o * scale;
    const b = (o + 1) * scale;
    for (let i = Math.floor(a); i < Math.ceil(b) && i < inLen; i++) {
      const ov = Math.min(b, i + 1) - Math.max(a, i);
      if (ov > 0) {
        idx.push(i);
        w.push(ov / scale);
      }
    }
  }
  start[outLen] = idx.length;
  return { idx: Int32Array.from(idx), w: Float64Array.from(w), start };
}

/** 32×32 area-resampled luma (0..255). */
export function lumaThumb(image: RawImage, size = N): Float64Array {
  const { width, height } = image;
  const y = luma(image);
  const ax = areaWeights(width, size);
  const ay = areaWeights(height, size);
  const rows = new Float64Array(height * size);
  for (let r = 0; r < height; r++) {
    for (let o = 0; o < size; o++) {
      let s = 0;
      for (let k = ax.start[o]!; k < ax.start[o + 1]!; k++) s += y[r * width + ax.idx[k]!]! * ax.w[k]!;
      rows[r * size + o] = s;
    }
  }
  const out = new Float64Array(size * size);
  for (let o = 0; o < size; o++) {
    for (let c = 0; c < size; c++) {
      let s = 0;
      for (let k = ay.start[o]!; k < ay.start[o + 1]!; k++) s += rows[ay.idx[k]! * size + c]! * ay.w[k]!;
      out[o * size + c] = s;
    }
  }
  return out;
}

/** 64-bit perceptual hash as a bigint (bit 63 = lowest frequency coefficient). */
export function perceptualHash(image: RawImage): bigint {
  validateImage(image, 2);
  const px = lumaThumb(image);
  const m = dct();
  // rows then columns, only the H lowest frequencies needed
  const tmp = new Float64Array(N * H);
  for (let r = 0; r < N; r++) {
    for (let k = 0; k < H; k++) {
      let s = 0;
      for (let i = 0; i < N; i++) s += m[k * N + i]! * px[r * N + i]!;
      tmp[r * H + k] = s;
    }
  }
  const coef = new Float64Array(H * H);
  for (let kv = 0; kv < H; kv++) {
    for (let ku = 0; ku < H; ku++) {
      let s = 0;
      for (let r = 0; r < N; r++) s += m[kv * N + r]! * tmp[r * H + ku]!;
      coef[kv * H + ku] = s;
    }
  }
  const sorted = Array.from(coef).sort((a, b) => a - b);
  const median = (sorted[31]! + sorted[32]!) / 2;
  let h = 0n;
  for (let i = 0; i < H * H; i++) h = (h << 1n) | (coef[i]! > median ? 1n : 0n);
  return h;
}

/** Number of differing bits between two 64-bit hashes. */
export function hammingDistance(a: bigint, b: bigint): number {
  let x = (a ^ b) & 0xffffffffffffffffn;
  let n = 0;
  while (x) {
    x &= x - 1n;
    n++;
  }
  return n;
}
