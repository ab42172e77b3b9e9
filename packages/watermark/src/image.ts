/** A raw interleaved RGB or RGBA image, 8 bits per channel, row-major, no padding. */
export interface RawImage {
  width: number;
  height: number;
  channels: 3 | 4;
  data: Uint8Array | Uint8ClampedArray;
}

/** Largest accepted side and pixel count: keeps a bogus header from allocating gigabytes. */
export const MAX_SIDE = 16384;
export const MAX_PIXELS = 50_000_000;
/** Smallest side accepted by embed/detect (the detector needs some room to fold a tile). */
export const MIN_SIDE = 16;

export class WatermarkInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WatermarkInputError";
  }
}

/** Validates shape and buffer before any allocation; throws WatermarkInputError with a clear message. */
export function validateImage(image: RawImage, minSide = MIN_SIDE): void {
  if (image === null || typeof image !== "object") throw new WatermarkInputError("image must be an object");
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new WatermarkInputError(`image width and height must be positive integers, got ${width}×${height}`);
  }
  if (channels !== 3 && channels !== 4) {
    throw new WatermarkInputError(`image must have 3 (RGB) or 4 (RGBA) channels, got ${String(channels)}`);
  }
  if (!(data instanceof Uint8Array) && !(data instanceof Uint8ClampedArray)) {
    throw new WatermarkInputError("image data must be a Uint8Array or Uint8ClampedArray");
  }
  if (data.length === 0) throw new WatermarkInputError("image data is empty");
  if (width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_PIXELS) {
    throw new WatermarkInputError(
      `image ${width}×${height} is too large (max side ${MAX_SIDE}, max ${MAX_PIXELS} pixels)`,
    );
  }
  const expected = width * height * channels;
  if (data.length !== expected) {
    throw new WatermarkInputError(
      `image data length ${data.length} does not match ${width}×${height}×${channels} = ${expected}`,
    );
  }
  if (width < minSide || height < minSide) {
    throw new WatermarkInputError(`image ${width}×${height} is too small (min side ${minSide} px)`);
  }
}

/** Rec. 601 luma weights. */
export const WR = 0.299;
export const WG = 0.587;
export const WB = 0.114;

/** Luma plane as Float32Array (0..255). */
export function luma(image: RawImage, out?: Float32Array): Float32Array {
  const { width, height, channels, data } = image;
  const n = width * height;
  const y = out ?? new Float32Array(n);
  for (let i = 0, p = 0; i < n; i++, p += channels) {
    y[i] = WR * data[p]! + WG * data[p + 1]! + WB * data[p + 2]!;
  }
  return y;
}

/**
 * Separable box mean with window (2r+1)², edge-clamped window (mean over the valid part).
 * `tmp` must have the same length as src. Running sums; the interior of each row, where the window
 * is whole, takes a branch-free path (this filter is most of the embed's and the detector's cost).
 */
export function boxMean(
  src: Float32Array,
  width: number,
  height: number,
  r: number,
  out: Float32Array,
  tmp: Float32Array,
): Float32Array {
  const full = 2 * r + 1;
  const invFull = 1 / full;
  // horizontal pass
  for (let y = 0; y < height; y++) {
    const row = y * width;
    if (width < full + 1) {
      for (let x = 0; x < width; x++) {
        const lo = x - r < 0 ? 0 : x - r;
        const hi = x + r >= width ? width - 1 : x + r;
        let s = 0;
        for (let k = lo; k <= hi; k++) s += src[row + k]!;
        tmp[row + x] = s / (hi - lo + 1);
      }
      continue;
    }
    let sum = 0;
    for (let x = 0; x < r; x++) sum += src[row + x]!;
    // left border: the window [0, x + r]
    for (let x = 0; x <= r; x++) {
      sum += src[row + x + r]!;
      tmp[row + x] = sum / (x + r + 1);
    }
    // interior: the whole window [x − r, x + r]
    const end = width - r;
    for (let x = r + 1; x < end; x++) {
      sum += src[row + x + r]! - src[row + x - r - 1]!;
      tmp[row + x] = sum * invFull;
    }
    // right border: the window [x − r, width − 1]
    for (let x = end < r + 1 ? r + 1 : end; x < width; x++) {
      sum -= src[row + x - r - 1]!;
      tmp[row + x] = sum / (width - x + r);
    }
  }
  // vertical pass, row by row for cache friendliness using a column-sum buffer
  const colSum = new Float64Array(width);
  let cnt = 0;
  const lim = Math.min(r, height - 1);
  for (let y = 0; y <= lim; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) colSum[x]! += tmp[row + x]!;
    cnt++;
  }
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const inv = 1 / cnt;
    const add = y + r + 1;
    const sub = y - r;
    if (add < height && sub >= 0) {
      // output this row and slide the window in one pass
      const ra = add * width;
      const rs = sub * width;
      for (let x = 0; x < width; x++) {
        const c = colSum[x]!;
        out[row + x] = c * inv;
        colSum[x] = c + tmp[ra + x]! - tmp[rs + x]!;
      }
      continue;
    }
    for (let x = 0; x < width; x++) out[row + x] = colSum[x]! * inv;
    if (add < height) {
      const ra = add * width;
      for (let x = 0; x < width; x++) colSum[x]! += tmp[ra + x]!;
      cnt++;
    }
    if (sub >= 0) {
      const rs = sub * width;
      for (let x = 0; x < width; x++) colSum[x]! -= tmp[rs + x]!;
      cnt--;
    }
  }
  return out;
}
