/**
 * Reading the low-frequency second carrier (v9; its codebook in lowbook.ts): the image's luma
 * box-downsampled so that the low tile is about TILE pixels, whitened like the detector plane,
 * folded with the primary's map scaled to that plane; the low pilot finds the shift, the payload
 * bins are despread with Qᵀ, and the soft values are combined with the primary's (blind
 * maximal-ratio, weights from each vector's moments) before one Viterbi + CRC.
 */
import { CODED_BITS } from "./ecc.ts";
import { fold } from "./fold.ts";
import { luma, type RawImage } from "./image.ts";
import { defaultLowBook, LOW_FACTOR, type LowCodebook } from "./lowbook.ts";
import { TILE } from "./pattern.ts";
import type { TileMap } from "./sync.ts";
import { downsample, whiten } from "./whiten.ts";

/** The detector combines the low carrier only where its own pilot peak stands this far above noise. */
export const LOW_MIN_Z = 5;
/** Combined (primary + low) Viterbi + CRC attempts per image: each is one more CRC test in the false-positive bound. */
export const MAX_LOW_DECODES = 4;

/** The low carrier's detector plane: luma box-downsampled by `factor`, whitened. */
export function lowPlane(
  image: RawImage,
  factor: number,
): { w: Float32Array; width: number; height: number } {
  return lowPlaneOf(luma(image), image.width, image.height, factor);
}

/** lowPlane of a luma plane. */
export function lowPlaneOf(
  y: Float32Array,
  width: number,
  height: number,
  factor: number,
): { w: Float32Array; width: number; height: number } {
  const r = factor > 1 ? downsample(y, width, height, factor) : { data: y, width, height };
  return { w: whiten(r.data, r.width, r.height), width: r.width, height: r.height };
}

const COS = Float64Array.from({ length: TILE }, (_, k) => Math.cos((2 * Math.PI * k) / TILE));
const SIN = Float64Array.from({ length: TILE }, (_, k) => Math.sin((2 * Math.PI * k) / TILE));
const modT = (k: number) => ((k % TILE) + TILE) % TILE;

/**
 * DFT of a folded TILE² tile at the low codebook's bins: pilot bins then payload bins, re/im
 * interleaved. Separable: each row's DFT at the horizontal frequencies 0..31 (a real row's DFT at
 * −fu is the conjugate), then one column sum per bin.
 */
export function lowCoefficients(cb: LowCodebook, tile: Float64Array): Float64Array {
  const half = (TILE - 1) / 2;
  const nfu = half + 1;
  const rowRe = new Float64Array(TILE * nfu);
  const rowIm = new Float64Array(TILE * nfu);
  for (let y = 0; y < TILE; y++) {
    for (let fu = 0; fu < nfu; fu++) {
      let sr = 0;
      let si = 0;
      for (let x = 0, ph = 0; x < TILE; x++) {
        const v = tile[y * TILE + x]!;
        sr += v * COS[ph]!;
        si -= v * SIN[ph]!;
        ph += fu;
        if (ph >= TILE) ph -= TILE;
      }
      rowRe[y * nfu + fu] = sr;
      rowIm[y * nfu + fu] = si;
    }
  }
  const bins = [...cb.pilotBins, ...cb.payloadBins];
  const out = new Float64Array(2 * bins.length);
  bins.forEach(({ fu, fv }, k) => {
    const col = Math.abs(fu);
    const sgn = fu < 0 ? -1 : 1;
    let sr = 0;
    let si = 0;
    for (let y = 0, ph = 0; y < TILE; y++) {
      const ar = rowRe[y * nfu + col]!;
      const ai = sgn * rowIm[y * nfu + col]!;
      sr += ar * COS[ph]! + ai * SIN[ph]!;
      si += ai * COS[ph]! - ar * SIN[ph]!;
      ph += fv;
      if (ph >= TILE) ph -= TILE;
    }
    out[2 * k] = sr;
    out[2 * k + 1] = si;
  });
  return out;
}

/** The low pilot's best cyclic shift (parabolic sub-pixel) and its z over the TILE² shifts. */
export function lowPilotPeak(cb: LowCodebook, coef: Float64Array): { z: number; sx: number; sy: number } {
  const nP = cb.pilotBins.length;
  const c = new Float64Array(TILE * TILE);
  for (let b = 0; b < nP; b++) {
    const tr = coef[2 * b]!;
    const ti = coef[2 * b + 1]!;
    const pr = cb.pilotRe[b]!;
    const pi = cb.pilotIm[b]!;
    // X = T̂ · conj(P); C(s) = Σ Re(X e^{−2πi(fu·sx + fv·sy)/TILE})
    const xr = tr * pr + ti * pi;
    const xi = ti * pr - tr * pi;
    const du = modT(cb.pilotBins[b]!.fu);
    const dv = modT(cb.pilotBins[b]!.fv);
    for (let sy = 0, py = 0; sy < TILE; sy++) {
      for (let sx = 0, ph = py; sx < TILE; sx++) {
        c[sy * TILE + sx]! += xr * COS[ph]! + xi * SIN[ph]!;
        ph += du;
        if (ph >= TILE) ph -= TILE;
      }
      py += dv;
      if (py >= TILE) py -= TILE;
    }
  }
  let mean = 0;
  for (const v of c) mean += v;
  mean /= c.length;
  let v2 = 0;
  let bi = 0;
  for (let i = 0; i < c.length; i++) {
    v2 += (c[i]! - mean) ** 2;
    if (c[i]! > c[bi]!) bi = i;
  }
  const sd = Math.sqrt(v2 / c.length) || 1;
  const ix = bi % TILE;
  const iy = (bi - ix) / TILE;
  const at = (x: number, y: number) => c[modT(y) * TILE + modT(x)]!;
  const peak = c[bi]!;
  return {
    z: (peak - mean) / sd,
    sx: ix + parabola(at(ix - 1, iy), peak, at(ix + 1, iy)),
    sy: iy + parabola(at(ix, iy - 1), peak, at(ix, iy + 1)),
  };
}

function parabola(a: number, b: number, c: number): number {
  const d = a - 2 * b + c;
  if (d >= 0) return 0;
  return Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / d));
}

/** Soft values of the coded bits from the low carrier at shift (sx, sy): derotate, despread with Qᵀ. */
export function lowSoft(cb: LowCodebook, coef: Float64Array, sx: number, sy: number): Float64Array {
  const nP = cb.pilotBins.length;
  const soft = new Float64Array(CODED_BITS);
  cb.payloadBins.forEach(({ fu, fv }, i) => {
    const tr = coef[2 * (nP + i)]!;
    const ti = coef[2 * (nP + i) + 1]!;
    const th = (-2 * Math.PI * (fu * sx + fv * sy)) / TILE;
    const c = Math.cos(th);
    const s = Math.sin(th);
    const ar = tr * c - ti * s;
    const ai = tr * s + ti * c;
    const r0 = 2 * i * CODED_BITS;
    const r1 = r0 + CODED_BITS;
    for (let k = 0; k < CODED_BITS; k++) soft[k]! += cb.q[r0 + k]! * ar + cb.q[r1 + k]! * ai;
  });
  return soft;
}

/**
 * Signal and noise of a soft vector x = μ·b + n (b = ±1 unknown, n Gaussian) from its moments:
 * E x² = μ² + σ², E x⁴ = μ⁴ + 6μ²σ² + 3σ⁴, so μ⁴ = (3·(E x²)² − E x⁴) / 2.
 */
export function softMoments(x: Float64Array): { mu: number; sigma2: number } {
  let m2 = 0;
  let m4 = 0;
  for (const v of x) {
    const v2 = v * v;
    m2 += v2;
    m4 += v2 * v2;
  }
  m2 /= x.length;
  m4 /= x.length;
  const mu2 = Math.sqrt(Math.max(0, (3 * m2 * m2 - m4) / 2));
  const sigma2 = Math.max(m2 - mu2, 1e-3 * m2, 1e-30);
  return { mu: Math.sqrt(Math.min(mu2, m2)), sigma2 };
}

/** Blind maximal-ratio combination of two soft vectors of the same coded bits: weights μ/σ² from softMoments. */
export function combineSoft(x: Float64Array, y: Float64Array): Float64Array {
  const a = softMoments(x);
  const b = softMoments(y);
  const wx = a.mu / a.sigma2;
  const wy = b.mu / b.sigma2;
  return Float64Array.from(x, (v, i) => wx * v + wy * y[i]!);
}

/**
 * The low carrier's coded read of an image at its embedding map (no attack), at the known shift:
 * the downsampled pixel's centre sits (D − 1)/2 image pixels into its block.
 */
export function lowCodedRead(image: RawImage, period: number): Float64Array {
  return lowCodedReadLuma(luma(image), image.width, image.height, period);
}

/** lowCodedRead of a luma plane (the embedder's prediction of a render: luma + the planned change). */
export function lowCodedReadLuma(
  y: Float32Array,
  width: number,
  height: number,
  period: number,
): Float64Array {
  const cb = defaultLowBook();
  const D = Math.max(1, Math.round((LOW_FACTOR * period) / TILE));
  const p = lowPlaneOf(y, width, height, D);
  const a = (TILE * D) / (LOW_FACTOR * period);
  const coef = lowCoefficients(cb, fold(p.w, p.width, p.height, { a, b: 0, c: 0, d: a }));
  const shift = ((D - 1) / 2) * (TILE / (LOW_FACTOR * period));
  return lowSoft(cb, coef, shift, shift);
}

/**
 * The detector's low-carrier read of one image: for a candidate map (detector plane → primary tile
 * bins; the plane is the image box-downsampled by f), folds the image's luma, downsampled to bring
 * the low tile near TILE pixels, with the same map scaled, finds the low pilot's shift, and returns
 * the blind maximal-ratio combination with the primary's soft values — or null where the low pilot
 * stays below LOW_MIN_Z (no low carrier, or not readable: a v8 mark reads as before).
 */
export function lowReader(
  image: RawImage,
  f: number,
): (map: TileMap, primary: Float64Array) => Float64Array | null {
  const cb = defaultLowBook();
  const planes = new Map<number, ReturnType<typeof lowPlane>>();
  return (map, primary) => {
    const scale = Math.sqrt(Math.abs(map.a * map.d - map.b * map.c));
    const D = Math.max(1, Math.round((LOW_FACTOR * f) / scale));
    let p = planes.get(D);
    if (!p) planes.set(D, (p = lowPlane(image, D)));
    const k = D / (LOW_FACTOR * f);
    const m = { a: map.a * k, b: map.b * k, c: map.c * k, d: map.d * k };
    const coef = lowCoefficients(cb, fold(p.w, p.width, p.height, m));
    const pk = lowPilotPeak(cb, coef);
    if (pk.z < LOW_MIN_Z) return null;
    return combineSoft(primary, lowSoft(cb, coef, pk.sx, pk.sy));
  };
}
