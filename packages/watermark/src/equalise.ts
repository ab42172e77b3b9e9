/**
 * Equalised despreading: soft channel values that account for what the image went through.
 *
 * The plain decoder despreads with Qᵀ, i.e. it weights every band frequency alike. Compression,
 * downscaling and blur are frequency-selective: JPEG q30, WebP and a 0.5× resize leave the low part of
 * the band and erase the top, so the top bins add noise and no mark. The pilot, which is spread over
 * the same annulus, measures this per image: at the found shift, a pilot bin's coefficient times the
 * conjugate of the known pilot is (gain at that radius) · (pilot amplitude) + noise in its real part
 * and noise alone in its imaginary part. From the pilot bins the decoder fits the gain as a line over
 * the radius and the noise power per ring of radii, then takes the linear MMSE estimate of the ±1
 * coded bits s from the payload dimensions a = G·Q·s + n:
 *
 *   ŝ = (Qᵀ D Q + I)⁻¹ Qᵀ D′ a,   D = diag(G²/σ²), D′ = diag(G/σ²),
 *
 * a weighted least squares that removes the cross-talk a plain per-frequency weighting of Qᵀa would
 * cause (Q's columns are orthonormal only under equal weights). The gain and noise are piecewise
 * constant over RINGS rings of radii, so Qᵀ D Q is a sum of RINGS precomputed Gram matrices. This is
 * one more decode attempt per candidate, counted against the detector's decode budget (and so in its
 * false-positive bound).
 */
import { CODED_BITS } from "./ecc.ts";
import { codebook, PILOT_ENERGY } from "./pattern.ts";

const RINGS = 6;

interface RingModel {
  /** radius (DFT index units) of each pilot bin, and its ring */
  pilotRadius: Float64Array;
  pilotRing: Int32Array;
  /** ring of each payload dimension (2 per payload bin) */
  dimRing: Int32Array;
  /** mean radius of each ring's payload bins */
  ringRadius: Float64Array;
  /** per ring: Σ over its payload dimensions r of q_r q_rᵀ (CODED_BITS², row-major) */
  grams: Float64Array[];
  /** pilot amplitude per bin in the units of the payload coefficients (renderTile's) */
  pilotAmp: number;
}

let model: RingModel | null = null;

function ringModel(): RingModel {
  if (model) return model;
  const cb = codebook();
  const radius = (b: { fu: number; fv: number }) => Math.hypot(b.fu, b.fv);
  const all = [...cb.pilotBins, ...cb.payloadBins].map(radius).sort((x, y) => x - y);
  // ring boundaries at equal counts of band bins
  const bounds: number[] = [];
  for (let k = 1; k < RINGS; k++) bounds.push(all[Math.floor((k * all.length) / RINGS)]!);
  const ringOf = (r: number) => {
    let k = 0;
    while (k < bounds.length && r >= bounds[k]!) k++;
    return k;
  };
  const pilotRadius = Float64Array.from(cb.pilotBins, radius);
  const pilotRing = Int32Array.from(pilotRadius, ringOf);
  const dimRing = new Int32Array(cb.dims);
  const ringRadius = new Float64Array(RINGS);
  const ringCount = new Float64Array(RINGS);
  cb.payloadBins.forEach((b, i) => {
    const k = ringOf(radius(b));
    dimRing[2 * i] = k;
    dimRing[2 * i + 1] = k;
    ringRadius[k]! += radius(b);
    ringCount[k]! += 1;
  });
  for (let k = 0; k < RINGS; k++) ringRadius[k] = ringRadius[k]! / Math.max(1, ringCount[k]!);
  const n = CODED_BITS;
  const grams = Array.from({ length: RINGS }, () => new Float64Array(n * n));
  const { q, dims } = cb;
  for (let r = 0; r < dims; r++) {
    const g = grams[dimRing[r]!]!;
    const row = r * n;
    for (let i = 0; i < n; i++) {
      const qi = q[row + i]!;
      if (qi === 0) continue;
      const gi = i * n;
      for (let j = i; j < n; j++) g[gi + j]! += qi * q[row + j]!;
    }
  }
  for (const g of grams) for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) g[i * n + j] = g[j * n + i]!;
  const pilotEnergy = (CODED_BITS * PILOT_ENERGY) / (1 - PILOT_ENERGY);
  model = {
    pilotRadius,
    pilotRing,
    dimRing,
    ringRadius,
    grams,
    pilotAmp: Math.sqrt(pilotEnergy / cb.pilotBins.length),
  };
  return model;
}

/**
 * MMSE soft values for the coded bits, or null when the pilot shows no gain anywhere.
 * `pilot`: the pilot bins' coefficients, shift undone (re, im interleaved); `a`: the payload
 * dimensions, shift undone.
 */
export function equalisedSoft(pilot: Float64Array, a: Float64Array): Float64Array | null {
  const m = ringModel();
  const cb = codebook();
  const nP = cb.pilotBins.length;
  // y_b = pilot coefficient · conj(known pilot): real part = gain · amplitude + noise, imaginary = noise
  const yr = new Float64Array(nP);
  const yi = new Float64Array(nP);
  for (let b = 0; b < nP; b++) {
    const tr = pilot[2 * b]!;
    const ti = pilot[2 * b + 1]!;
    const pr = cb.pilotRe[b]!;
    const pi = cb.pilotIm[b]!;
    yr[b] = (tr * pr + ti * pi) / m.pilotAmp;
    yi[b] = (ti * pr - tr * pi) / m.pilotAmp;
  }
  // gain: least-squares line over the radius
  let sr = 0;
  let sy = 0;
  let srr = 0;
  let sry = 0;
  for (let b = 0; b < nP; b++) {
    const r = m.pilotRadius[b]!;
    sr += r;
    sy += yr[b]!;
    srr += r * r;
    sry += r * yr[b]!;
  }
  const det = nP * srr - sr * sr;
  const c1 = det > 0 ? (nP * sry - sr * sy) / det : 0;
  const c0 = (sy - c1 * sr) / nP;
  const gainAt = (r: number) => Math.max(0, c0 + c1 * r);
  // noise power per real dimension, per ring: imaginary parts and the real parts' residuals
  const noise = new Float64Array(RINGS);
  const cnt = new Float64Array(RINGS);
  let noiseAll = 0;
  for (let b = 0; b < nP; b++) {
    const k = m.pilotRing[b]!;
    const res = yr[b]! - gainAt(m.pilotRadius[b]!);
    // y was divided by the pilot amplitude; the payload dimensions' noise is in coefficient units
    const v = (yi[b]! * yi[b]! + res * res) * m.pilotAmp * m.pilotAmp;
    noise[k]! += v;
    cnt[k]! += 2;
    noiseAll += v;
  }
  noiseAll /= 2 * nP;
  if (!(noiseAll > 0)) return null;
  const gain = new Float64Array(RINGS);
  const dW = new Float64Array(RINGS); // G²/σ²
  const dA = new Float64Array(RINGS); // G/σ²
  let any = false;
  for (let k = 0; k < RINGS; k++) {
    // a ring with few pilot bins borrows from the whole band's noise estimate
    const s2 = (noise[k]! + 2 * noiseAll) / (cnt[k]! + 2);
    gain[k] = gainAt(m.ringRadius[k]!);
    dW[k] = (gain[k]! * gain[k]!) / s2;
    dA[k] = gain[k]! / s2;
    if (gain[k]! > 0) any = true;
  }
  if (!any) return null;
  const n = CODED_BITS;
  const mat = new Float64Array(n * n);
  for (let k = 0; k < RINGS; k++) {
    const w = dW[k]!;
    if (w === 0) continue;
    const g = m.grams[k]!;
    for (let i = 0; i < n * n; i++) mat[i]! += w * g[i]!;
  }
  for (let i = 0; i < n; i++) mat[i * n + i]! += 1;
  const rhs = new Float64Array(n);
  const { q, dims } = cb;
  for (let r = 0; r < dims; r++) {
    const v = dA[m.dimRing[r]!]! * a[r]!;
    if (v === 0) continue;
    const row = r * n;
    for (let c = 0; c < n; c++) rhs[c]! += q[row + c]! * v;
  }
  return choleskySolve(mat, rhs, n) ? rhs : null;
}

/** Solves A x = b in place (x in b) for symmetric positive definite A (overwritten); false if not SPD. */
function choleskySolve(a: Float64Array, b: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j]!;
    for (let k = 0; k < j; k++) d -= a[rj + k]! * a[rj + k]!;
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      a[ri + j] = s / ljj;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= a[i * n + k]! * b[k]!;
    b[i] = s / a[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= a[k * n + i]! * b[k]!;
    b[i] = s / a[i * n + i]!;
  }
  return true;
}
