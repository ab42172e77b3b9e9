/**
 * Baselines: re-implementations of the `dwtDct` and `dwtDctSvd` methods of the Python package
 * invisible-watermark (ShieldMnt, imwatermark/maxDct.py, the watermark Stable Diffusion ships),
 * written from its published source and defaults: scales [0, 36, 36], block 4.
 *
 * What the original does (and what is reproduced here, quirks included):
 * - BGR → YUV (OpenCV, 8-bit). Its loop is `for channel in range(2)` with scales[0] = 0, so only
 *   channel 1 (U) is marked with scale 36; Y and V are untouched.
 * - One level of Haar DWT on the U plane cropped to a multiple of 4; the LL band is cut into 4×4 blocks
 *   in row-major order and block n carries bit n mod 64.
 * - dwtDct: in the raw LL block (no DCT is taken despite the name) the largest-magnitude coefficient
 *   other than [0][0] is quantised: |v| → (⌊|v|/36⌋ + 0.25 + 0.5·bit)·36, sign kept.
 *   Decoding reads (|v| mod 36) > 18 at the same position.
 * - dwtDctSvd: 4×4 orthonormal DCT-II of the block, SVD, s₀ → (⌊s₀/36⌋ + 0.25 + 0.5·bit)·36, inverse.
 *   Decoding reads (s₀ mod 36) > 18.
 * - The inverse DWT is called with the horizontal and vertical detail bands swapped
 *   (`idwt2((ca1, (v1, h1, d1)))`), which is part of its PSNR cost; the float result is stored back
 *   into the uint8 YUV image (truncated; clamped here), then YUV → BGR.
 * - Decoding averages the per-block votes of each bit; bit = mean·255 > 127. It always returns 64 bits:
 *   there is no detected / not-detected decision.
 */
import type { RawImage } from "../image.ts";

export type BaselineMethod = "dwtDct" | "dwtDctSvd";
const SCALE = 36;
const BLOCK = 4;
const BITS = 64;

const sat = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

function toYuv(image: RawImage): { y: Float64Array; u: Float64Array; v: Float64Array } {
  const n = image.width * image.height;
  const y = new Float64Array(n);
  const u = new Float64Array(n);
  const v = new Float64Array(n);
  const c = image.channels;
  for (let i = 0, p = 0; i < n; i++, p += c) {
    const r = image.data[p]!;
    const g = image.data[p + 1]!;
    const b = image.data[p + 2]!;
    const yy = 0.299 * r + 0.587 * g + 0.114 * b;
    y[i] = sat(Math.round(yy));
    u[i] = sat(Math.round(0.492 * (b - yy) + 128));
    v[i] = sat(Math.round(0.877 * (r - yy) + 128));
  }
  return { y, u, v };
}

const DCT4 = (() => {
  const m = new Float64Array(16);
  for (let k = 0; k < 4; k++) {
    const s = k === 0 ? Math.sqrt(1 / 4) : Math.sqrt(2 / 4);
    for (let i = 0; i < 4; i++) m[k * 4 + i] = s * Math.cos((Math.PI * (2 * i + 1) * k) / 8);
  }
  return m;
})();

/** out = M · X · Mᵀ (forward) or Mᵀ · X · M (inverse) for 4×4 matrices. */
function dct4(x: Float64Array, inverse: boolean): Float64Array {
  const t = new Float64Array(16);
  const o = new Float64Array(16);
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += (inverse ? DCT4[k * 4 + i]! : DCT4[i * 4 + k]!) * x[k * 4 + j]!;
      t[i * 4 + j] = s;
    }
  }
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += t[i * 4 + k]! * (inverse ? DCT4[k * 4 + j]! : DCT4[j * 4 + k]!);
      o[i * 4 + j] = s;
    }
  }
  return o;
}

/** Largest singular value and its vectors of a 4×4 matrix (power iteration on AᵀA). */
function topSingular(a: Float64Array): { s: number; u: Float64Array; v: Float64Array } {
  const ata = new Float64Array(16);
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[k * 4 + i]! * a[k * 4 + j]!;
      ata[i * 4 + j] = s;
    }
  }
  let v = new Float64Array([0.5, 0.5, 0.5, 0.5]);
  for (let it = 0; it < 60; it++) {
    const nv = new Float64Array(4);
    for (let i = 0; i < 4; i++) for (let k = 0; k < 4; k++) nv[i]! += ata[i * 4 + k]! * v[k]!;
    const norm = Math.hypot(nv[0]!, nv[1]!, nv[2]!, nv[3]!);
    if (norm === 0) break;
    for (let i = 0; i < 4; i++) nv[i] = nv[i]! / norm;
    v = nv;
  }
  const u = new Float64Array(4);
  for (let i = 0; i < 4; i++) for (let k = 0; k < 4; k++) u[i]! += a[i * 4 + k]! * v[k]!;
  const s = Math.hypot(u[0]!, u[1]!, u[2]!, u[3]!);
  if (s > 0) for (let i = 0; i < 4; i++) u[i] = u[i]! / s;
  return { s, u, v };
}

const floorDiv = (a: number, b: number) => Math.floor(a / b);
const pyMod = (a: number, b: number) => a - Math.floor(a / b) * b;

function embedBlock(block: Float64Array, bit: number, method: BaselineMethod): Float64Array {
  if (method === "dwtDct") {
    let pos = 1;
    for (let i = 2; i < 16; i++) if (Math.abs(block[i]!) > Math.abs(block[pos]!)) pos = i;
    const val = block[pos]!;
    const q = (floorDiv(Math.abs(val), SCALE) + 0.25 + 0.5 * bit) * SCALE;
    block[pos] = val >= 0 ? q : -q;
    return block;
  }
  const d = dct4(block, false);
  const { s, u, v } = topSingular(d);
  const s2 = (floorDiv(s, SCALE) + 0.25 + 0.5 * bit) * SCALE;
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) d[i * 4 + j]! += (s2 - s) * u[i]! * v[j]!;
  return dct4(d, true);
}

function readBlock(block: Float64Array, method: BaselineMethod): number {
  let val: number;
  if (method === "dwtDct") {
    let pos = 1;
    for (let i = 2; i < 16; i++) if (Math.abs(block[i]!) > Math.abs(block[pos]!)) pos = i;
    val = Math.abs(block[pos]!);
  } else {
    val = topSingular(dct4(block, false)).s;
  }
  return pyMod(val, SCALE) > 0.5 * SCALE ? 1 : 0;
}

/** Haar LL/H/V/D of the plane region [0,h)×[0,w) (h, w even). */
function dwt2(p: Float64Array, stride: number, h: number, w: number) {
  const h2 = h / 2;
  const w2 = w / 2;
  const ca = new Float64Array(h2 * w2);
  const ch = new Float64Array(h2 * w2);
  const cv = new Float64Array(h2 * w2);
  const cd = new Float64Array(h2 * w2);
  for (let i = 0; i < h2; i++) {
    for (let j = 0; j < w2; j++) {
      const a = p[2 * i * stride + 2 * j]!;
      const b = p[2 * i * stride + 2 * j + 1]!;
      const c = p[(2 * i + 1) * stride + 2 * j]!;
      const d = p[(2 * i + 1) * stride + 2 * j + 1]!;
      const k = i * w2 + j;
      ca[k] = (a + b + c + d) / 2;
      ch[k] = (a + b - c - d) / 2;
      cv[k] = (a - b + c - d) / 2;
      cd[k] = (a - b - c + d) / 2;
    }
  }
  return { ca, ch, cv, cd, h2, w2 };
}

function idwt2(
  ca: Float64Array,
  ch: Float64Array,
  cv: Float64Array,
  cd: Float64Array,
  h2: number,
  w2: number,
  out: Float64Array,
  stride: number,
): void {
  for (let i = 0; i < h2; i++) {
    for (let j = 0; j < w2; j++) {
      const k = i * w2 + j;
      const A = ca[k]!;
      const H = ch[k]!;
      const V = cv[k]!;
      const D = cd[k]!;
      out[2 * i * stride + 2 * j] = (A + H + V + D) / 2;
      out[2 * i * stride + 2 * j + 1] = (A + H - V - D) / 2;
      out[(2 * i + 1) * stride + 2 * j] = (A - H + V - D) / 2;
      out[(2 * i + 1) * stride + 2 * j + 1] = (A - H - V + D) / 2;
    }
  }
}

function bitsOf(payload: bigint): number[] {
  const bits: number[] = [];
  for (let i = 0; i < BITS; i++) bits.push(Number((payload >> BigInt(63 - i)) & 1n));
  return bits;
}

export function baselineEmbed(image: RawImage, payload: bigint, method: BaselineMethod): RawImage {
  const { width, height, channels } = image;
  const { y, u, v } = toYuv(image);
  const h = Math.floor(height / 4) * 4;
  const w = Math.floor(width / 4) * 4;
  const bits = bitsOf(payload);
  const { ca, ch, cv, cd, h2, w2 } = dwt2(u, width, h, w);
  let num = 0;
  const blk = new Float64Array(16);
  for (let bi = 0; bi < Math.floor(h2 / BLOCK); bi++) {
    for (let bj = 0; bj < Math.floor(w2 / BLOCK); bj++) {
      for (let r = 0; r < 4; r++)
        for (let c = 0; c < 4; c++) blk[r * 4 + c] = ca[(bi * 4 + r) * w2 + bj * 4 + c]!;
      const nb = embedBlock(blk, bits[num % BITS]!, method);
      for (let r = 0; r < 4; r++)
        for (let c = 0; c < 4; c++) ca[(bi * 4 + r) * w2 + bj * 4 + c] = nb[r * 4 + c]!;
      num++;
    }
  }
  const rec = new Float64Array(width * height);
  // the original passes (v1, h1, d1): horizontal and vertical details swapped
  idwt2(ca, cv, ch, cd, h2, w2, rec, width);
  for (let i = 0; i < h; i++)
    for (let j = 0; j < w; j++) u[i * width + j] = sat(Math.trunc(rec[i * width + j]!));
  const out = new Uint8Array(image.data.length);
  for (let i = 0, p = 0; i < width * height; i++, p += channels) {
    const yy = y[i]!;
    const uu = u[i]! - 128;
    const vv = v[i]! - 128;
    out[p] = sat(Math.round(yy + 1.14 * vv));
    out[p + 1] = sat(Math.round(yy - 0.395 * uu - 0.581 * vv));
    out[p + 2] = sat(Math.round(yy + 2.032 * uu));
    if (channels === 4) out[p + 3] = image.data[p + 3]!;
  }
  return { width, height, channels, data: out };
}

/** Always returns 64 bits (as a bigint); there is no detection decision. */
export function baselineDecode(image: RawImage, method: BaselineMethod): bigint {
  const { width, height } = image;
  const { u } = toYuv(image);
  const h = Math.floor(height / 4) * 4;
  const w = Math.floor(width / 4) * 4;
  const { ca, h2, w2 } = dwt2(u, width, h, w);
  const sum = new Float64Array(BITS);
  const cnt = new Float64Array(BITS);
  let num = 0;
  const blk = new Float64Array(16);
  for (let bi = 0; bi < Math.floor(h2 / BLOCK); bi++) {
    for (let bj = 0; bj < Math.floor(w2 / BLOCK); bj++) {
      for (let r = 0; r < 4; r++)
        for (let c = 0; c < 4; c++) blk[r * 4 + c] = ca[(bi * 4 + r) * w2 + bj * 4 + c]!;
      sum[num % BITS]! += readBlock(blk, method);
      cnt[num % BITS]! += 1;
      num++;
    }
  }
  let p = 0n;
  for (let i = 0; i < BITS; i++) {
    const avg = cnt[i]! > 0 ? sum[i]! / cnt[i]! : 0;
    p = (p << 1n) | (avg * 255 > 127 ? 1n : 0n);
  }
  return p;
}
