import { boxMean, luma, type RawImage } from "./image.ts";
import { CANONICAL_SIDE } from "./pattern.ts";

const HP_RADIUS = 2;
/**
 * On flat images (generated art: nearly every pixel's local contrast is below CONTRAST_OFFSET)
 * the high-pass widens to 9×9: it passes the band's lower frequencies, which are what JPEG q30,
 * WebP and downscaling leave of a mark, while such images have little low-frequency texture to
 * leak in. On photos the 5×5 high-pass keeps their texture out.
 */
const HP_RADIUS_FLAT = 4;
const FLAT_FRACTION = 0.92;
const CONTRAST_RADIUS = 3;
const CONTRAST_OFFSET = 1.5;
const CLIP = 4;

/** Integer box downsampling of a luma plane by f (f×f pixels → one). */
export function downsample(src: Float32Array, width: number, height: number, f: number) {
  const w2 = Math.floor(width / f);
  const h2 = Math.floor(height / f);
  const out = new Float32Array(w2 * h2);
  const inv = 1 / (f * f);
  for (let y = 0; y < h2; y++) {
    for (let x = 0; x < w2; x++) {
      let s = 0;
      for (let j = 0; j < f; j++) {
        const row = (y * f + j) * width + x * f;
        for (let i = 0; i < f; i++) s += src[row + i]!;
      }
      out[y * w2 + x] = s * inv;
    }
  }
  return { data: out, width: w2, height: h2 };
}

/**
 * Working planes of whiten(), kept between calls: three full-size planes per read were a third of
 * the detector's allocation, and the garbage collector took ≈ 13% of an unmarked read.
 */
let scratch = new Float32Array(0);
function scratchPlanes(n: number): [Float32Array, Float32Array, Float32Array] {
  if (scratch.length < 3 * n) scratch = new Float32Array(3 * n);
  return [scratch.subarray(0, n), scratch.subarray(n, 2 * n), scratch.subarray(2 * n, 3 * n)];
}

/**
 * High-pass (luma minus local mean) then divide by local contrast; clipped. The high-pass is 5×5,
 * or 9×9 where at least FLAT_FRACTION of the pixels are flat (local contrast < CONTRAST_OFFSET).
 */
export function whiten(y: Float32Array, width: number, height: number): Float32Array {
  const n = width * height;
  const [tmp, m, e] = scratchPlanes(n);
  const hp = new Float32Array(n);
  const planes: HighPassPlanes = { hp, m, e, tmp };
  highPass(y, width, height, HP_RADIUS, planes);
  let flat = 0;
  const flatE = CONTRAST_OFFSET * CONTRAST_OFFSET;
  for (let i = 0; i < n; i++) if (e[i]! < flatE) flat++;
  if (flat >= FLAT_FRACTION * n) highPass(y, width, height, HP_RADIUS_FLAT, planes);
  // local numbers, not the module's bindings: the binding CLIP as a conditional's result made each
  // pixel's value a heap number
  const clip = +CLIP;
  const offset = +CONTRAST_OFFSET;
  for (let i = 0; i < n; i++) {
    const ei = e[i]!; // running sums can leave a tiny negative where the window is flat
    let v = hp[i]! / (Math.sqrt(ei > 0 ? ei : 0) + offset);
    v = v > clip ? clip : v < -clip ? -clip : v;
    hp[i] = v;
  }
  return hp;
}

interface HighPassPlanes {
  /** out: luma minus its local mean */
  hp: Float32Array;
  /** scratch (the local mean, then the squared high-pass) */
  m: Float32Array;
  /** out: the local energy of hp (CONTRAST_RADIUS box) */
  e: Float32Array;
  tmp: Float32Array;
}

function highPass(y: Float32Array, width: number, height: number, r: number, p: HighPassPlanes): void {
  const { hp, m, e, tmp } = p;
  const n = width * height;
  boxMean(y, width, height, r, m, tmp);
  for (let i = 0; i < n; i++) {
    const v = y[i]! - m[i]!;
    hp[i] = v;
    m[i] = v * v;
  }
  boxMean(m, width, height, CONTRAST_RADIUS, e, tmp);
}

/** The plane every read works on: whitened luma, box-downsampled by `f` when the image is very large. */
export interface DetectorPlane {
  w: Float32Array;
  width: number;
  height: number;
  /** the box-downsampling factor, ≥ 1 */
  f: number;
}

/**
 * Luma, brought back near the canonical grid by integer box downsampling (f = round(long side /
 * CANONICAL_SIDE) when that is ≥ 2), then whitened: what the detector reads, and what the informed
 * embedder must read the host through to see what the detector will.
 */
export function detectorPlane(image: RawImage): DetectorPlane {
  let y = luma(image);
  let { width, height } = image;
  const f = Math.max(1, Math.round(Math.max(width, height) / CANONICAL_SIDE));
  if (f >= 2) {
    const r = downsample(y, width, height, f);
    y = r.data;
    width = r.width;
    height = r.height;
  }
  return { w: whiten(y, width, height), width, height, f };
}
