import { fft, nextPow2 } from "./fft.ts";

/** Period search range in pixels (nominal 63: scales ≈ 0.3× .. 2.2×). */
const P_MIN = 19;
const P_MAX = 140;

/** Autocorrelation along one axis, averaged over lines: r[lag] normalised by r[0]. */
function axisAutocorr(w: Float32Array, width: number, height: number, alongX: boolean): Float64Array | null {
  const len = alongX ? width : height;
  const lines = alongX ? height : width;
  const maxLag = Math.floor(len * 0.7);
  if (maxLag < P_MIN + 2) return null;
  const n = nextPow2(len + maxLag);
  const step = Math.max(1, Math.floor(lines / 320));
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const pw = new Float64Array(n);
  const picks: number[] = [];
  for (let l = 0; l < lines; l += step) picks.push(l);
  for (let k = 0; k < picks.length; k += 2) {
    re.fill(0);
    im.fill(0);
    const a = picks[k]!;
    const b = k + 1 < picks.length ? picks[k + 1]! : -1;
    if (alongX) {
      const ra = a * width;
      for (let x = 0; x < width; x++) re[x] = w[ra + x]!;
      if (b >= 0) {
        const rb = b * width;
        for (let x = 0; x < width; x++) im[x] = w[rb + x]!;
      }
    } else {
      for (let yy = 0; yy < height; yy++) re[yy] = w[yy * width + a]!;
      if (b >= 0) for (let yy = 0; yy < height; yy++) im[yy] = w[yy * width + b]!;
    }
    fft(re, im);
    for (let i = 0; i < n; i++) pw[i]! += re[i]! * re[i]! + im[i]! * im[i]!;
  }
  // symmetrise (sum of the two real lines' spectra), then inverse FFT → autocorrelation
  for (let i = 0; i < n; i++) {
    re[i] = 0.5 * (pw[i]! + pw[(n - i) % n]!);
    im[i] = 0;
  }
  fft(re, im, true);
  const r0 = re[0]!;
  if (!(r0 > 0)) return null;
  const r = new Float64Array(maxLag + 1);
  for (let lag = 0; lag <= maxLag; lag++) r[lag] = (re[lag]! / (len - lag)) * (len / r0);
  return r;
}

function interp(r: Float64Array, x: number): number {
  const i = Math.floor(x);
  const f = x - i;
  if (i + 1 >= r.length) return r[r.length - 1]!;
  return r[i]! + f * (r[i + 1]! - r[i]!);
}

const P_STEP = 0.05;
const P_COUNT = Math.floor((P_MAX - P_MIN) / P_STEP) + 1;

/**
 * Harmonic comb score for each candidate period P on the grid P_MIN..P_MAX:
 * mean r(kP) − mean r((k−½)P). NaN where the axis is too short for P.
 */
function combScores(r: Float64Array): Float64Array {
  const maxLag = r.length - 2;
  const out = new Float64Array(P_COUNT).fill(NaN);
  for (let i = 0; i < P_COUNT; i++) {
    const p = P_MIN + i * P_STEP;
    if (p > maxLag) break;
    let s1 = 0;
    let s2 = 0;
    let k = 1;
    for (; k * p <= maxLag; k++) {
      s1 += interp(r, k * p);
      s2 += interp(r, (k - 0.5) * p);
    }
    out[i] = (s1 - s2) / (k - 1);
  }
  return out;
}

/** Refines a period estimate on one axis: parabolic peak fit of each harmonic, least squares lag_k = k·P. */
function refinePeriod(r: Float64Array, p0: number): number {
  const maxLag = r.length - 2;
  let num = 0;
  let den = 0;
  for (let k = 1; k * p0 <= maxLag - 1; k++) {
    const c = Math.round(k * p0);
    let m = c;
    for (let j = c - 2; j <= c + 2; j++) if (j > 0 && j < maxLag && r[j]! > r[m]!) m = j;
    if (m <= 0 || m >= maxLag) continue;
    const a = r[m - 1]!;
    const b = r[m]!;
    const cc = r[m + 1]!;
    const den2 = a - 2 * b + cc;
    const off = den2 < 0 ? (0.5 * (a - cc)) / den2 : 0;
    const lag = m + Math.max(-0.5, Math.min(0.5, off));
    const wgt = Math.max(b, 0);
    num += wgt * k * lag;
    den += wgt * k * k;
  }
  const refined = den > 0 ? num / den : p0;
  return Math.abs(refined - p0) < 1 ? refined : p0;
}

/** Comb peaks this close (relative) to a period already kept are the same hypothesis. */
const SAME_PERIOD = 0.03;

/**
 * Joint x/y period estimate (uniform scale assumed for the search, axes refined separately): the
 * best comb peak and its preferred divisor, then up to `extra` further local maxima of the comb, best
 * first. A picture with a texture of its own period (canvas, a screen's pixel pattern) can put its
 * peak above the mark's after a rescale — the detector asks for two more so that the pilot can tell.
 */
export function estimatePeriods(
  w: Float32Array,
  width: number,
  height: number,
  extra = 0,
): [number, number][] {
  const rx = axisAutocorr(w, width, height, true);
  const ry = axisAutocorr(w, width, height, false);
  if (!rx && !ry) return [];
  const sx = rx ? combScores(rx) : null;
  const sy = ry ? combScores(ry) : null;
  const score = new Float64Array(P_COUNT);
  for (let i = 0; i < P_COUNT; i++) {
    const a = sx ? sx[i]! : NaN;
    const b = sy ? sy[i]! : NaN;
    score[i] = Number.isNaN(a) ? (Number.isNaN(b) ? NaN : b) : Number.isNaN(b) ? a : a + b;
  }
  let bi = -1;
  for (let i = 0; i < P_COUNT; i++)
    if (!Number.isNaN(score[i]!) && (bi < 0 || score[i]! > score[bi]!)) bi = i;
  if (bi < 0) return [];
  // a multiple of the true period scores as well as the period: prefer the smallest divisor that does
  const best = score[bi]!;
  const pBest = P_MIN + bi * P_STEP;
  let p = pBest;
  for (let m = 6; m >= 2; m--) {
    const cand = pBest / m;
    if (cand < P_MIN) continue;
    let local = -Infinity;
    let li = -1;
    const c = Math.round((cand - P_MIN) / P_STEP);
    for (let j = c - 3; j <= c + 3; j++) {
      if (j >= 0 && j < P_COUNT && score[j]! > local) {
        local = score[j]!;
        li = j;
      }
    }
    if (li >= 0 && local >= 0.7 * best) {
      p = P_MIN + li * P_STEP;
      break;
    }
  }
  // both the preferred divisor and the best comb peak go on as hypotheses; the pilot decides
  const kept = p === pBest ? [p] : [p, pBest];
  if (extra > 0) {
    const peaks: { p: number; v: number }[] = [];
    for (let i = 1; i + 1 < P_COUNT; i++) {
      const v = score[i]!;
      if (!(v > 0) || !(v >= score[i - 1]!) || !(v > score[i + 1]!)) continue;
      peaks.push({ p: P_MIN + i * P_STEP, v });
    }
    peaks.sort((a, b) => b.v - a.v);
    let added = 0;
    for (const pk of peaks) {
      if (added >= extra) break;
      if (kept.some((k) => Math.abs(k - pk.p) < SAME_PERIOD * k)) continue;
      kept.push(pk.p);
      added++;
    }
  }
  const out: [number, number][] = [];
  for (const cand of kept) {
    out.push([rx ? refinePeriod(rx, cand) : cand, ry ? refinePeriod(ry, cand) : cand]);
  }
  return out;
}
