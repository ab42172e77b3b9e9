/**
 * The 2-D autocorrelation of the whitened image that the lattice estimate reads (`lattice.ts`):
 * Welch-averaged power spectra of WINDOW² patches, spectrally whitened so that the mark's sharp
 * lattice lines stand over a photo's smooth, steep spectrum, and its smooth part removed.
 */
import { fft, fftColumns } from "./fft.ts";

/** Side of the autocorrelation patches (and of the cyclic lag plane the lattice search reads). */
export const WINDOW = 256;
/**
 * A lag's index on the cyclic WINDOW-side plane, for lags within ±2·WINDOW (every read of the lag
 * plane is within ±(maxLag + 4)): two branches instead of two modulos, the same index.
 */
export function cyclic(t: number): number {
  return t < 0 ? t + WINDOW : t >= WINDOW ? t - WINDOW : t;
}
/** Lattice vectors shorter than this (in autocorrelation pixels) are not searched: the whitening's own correlation. */
export const R_MIN = 9;

/**
 * Normalised autocorrelation from the averaged power spectra of up to four WINDOW² patches spread
 * over the image (Welch). A filled patch is treated as circular (the wrap only dilutes peaks); an
 * image smaller than the window is zero-padded and divided by the overlap. Two real patches share
 * one complex FFT: |A|² + |B|² of Z = A + iB is (|Z(k)|² + |Z(−k)|²)/2.
 */
/** the whitened WINDOW² power spectrum of each plane autocorr2d has read (the sweep's pre-screen reads it) */
const spectra = new WeakMap<Float32Array, Float64Array>();

/**
 * The spectrally whitened, Welch-averaged WINDOW² power spectrum of `plane`, if autocorr2d has
 * computed it (index ky·WINDOW + kx, kx/WINDOW cycles per plane pixel horizontally). Read only.
 */
export function whitenedSpectrum(plane: Float32Array): Float64Array | undefined {
  return spectra.get(plane);
}

export function autocorr2d(
  src: Float32Array,
  width: number,
  height: number,
): { r: Float64Array; maxLag: number } | null {
  const N = WINDOW;
  const ww = Math.min(width, N);
  const wh = Math.min(height, N);
  const xs = width > N ? [0, width - N] : [0];
  const ys = height > N ? [0, height - N] : [0];
  const patches: [number, number][] = [];
  for (const y0 of ys) for (const x0 of xs) patches.push([x0, y0]);
  const power = new Float64Array(N * N);
  const re = lagPlane(0);
  const im = lagPlane(1);
  const patch: Patch = { src, width, ww, wh };
  for (let k = 0; k < patches.length; k += 2) {
    re.fill(0);
    im.fill(0);
    loadPatch(re, patch, patches[k]![0], patches[k]![1]);
    if (k + 1 < patches.length) loadPatch(im, patch, patches[k + 1]![0], patches[k + 1]![1]);
    fft2d(re, im, N, false);
    addPower(power, re, im, N);
  }
  whitenSpectrum(power, N);
  spectra.set(src, power);
  re.set(power);
  im.fill(0);
  fft2d(re, im, N, true);
  const r0 = re[0]!;
  if (!(r0 > 0)) return null;
  const padded = ww < N || wh < N;
  const maxLag = Math.floor(Math.min(padded ? Math.min(ww, wh) * 0.6 : N / 2 - 2, 150));
  if (maxLag < R_MIN + 4) return null;
  return { r: normalisedLags(re, patch, padded, maxLag), maxLag };
}

/**
 * The per-pixel loops of autocorr2d live in plain top-level functions (no closure over its locals):
 * a read calls autocorr2d only a few times, and its loops boxed a double per pixel until optimised.
 */
interface Patch {
  src: Float32Array;
  width: number;
  /** the patch's width and height (≤ WINDOW) */
  ww: number;
  wh: number;
}

/** the patch at (x0, y0) minus its mean, into the top-left of the WINDOW² plane dst */
function loadPatch(dst: Float64Array, p: Patch, x0: number, y0: number): void {
  const { src, width, ww, wh } = p;
  const N = WINDOW;
  let mean = 0;
  for (let y = 0; y < wh; y++) for (let x = 0; x < ww; x++) mean += src[(y0 + y) * width + x0 + x]!;
  mean /= ww * wh;
  for (let y = 0; y < wh; y++)
    for (let x = 0; x < ww; x++) dst[y * N + x] = src[(y0 + y) * width + x0 + x]! - mean;
}

/** power += (|Z(k)|² + |Z(−k)|²)/2, the two real patches' power spectra from their joint FFT Z */
function addPower(power: Float64Array, re: Float64Array, im: Float64Array, N: number): void {
  for (let y = 0; y < N; y++) {
    const my = ((N - y) % N) * N;
    for (let x = 0; x < N; x++) {
      const i = y * N + x;
      const j = my + ((N - x) % N);
      power[i]! += 0.5 * (re[i]! * re[i]! + im[i]! * im[i]! + re[j]! * re[j]! + im[j]! * im[j]!);
    }
  }
}

/** the lags within ±maxLag of the inverse FFT re, over r(0) and (zero-padded patches) over the overlap */
function normalisedLags(re: Float64Array, p: Patch, padded: boolean, maxLag: number): Float64Array {
  const { ww, wh } = p;
  const N = WINDOW;
  const r0 = re[0]!;
  // lags beyond ±maxLag are read as zero (localExcess reaches past them)
  const r = lagPlane(4).fill(0);
  for (let dy = -maxLag; dy <= maxLag; dy++) {
    for (let dx = -maxLag; dx <= maxLag; dx++) {
      const i = ((dy + N) % N) * N + ((dx + N) % N);
      const overlap = padded ? ((ww - Math.abs(dx)) * (wh - Math.abs(dy))) / (ww * wh) : 1;
      r[i] = overlap > 0.1 ? re[i]! / r0 / overlap : 0;
    }
  }
  return r;
}

/**
 * WINDOW² working planes kept between reads (each 512 KB: allocated per read, they went to the
 * collector's large-object space); `lagPlane(i)` is the i-th. Callers overwrite what they read.
 * Planes 4 and 5 are returned (autocorr2d's lags, localExcess's excess) and hold until the next
 * call: their one caller, the lattice estimate, is done with them before it returns; the lattice's
 * comb is plane 6.
 */
const scratchPlanes: Float64Array[] = [];
export function lagPlane(i: number): Float64Array {
  return (scratchPlanes[i] ??= new Float64Array(WINDOW * WINDOW));
}

/**
 * Divides the power spectrum by its local mean (cyclic (2R+1)² box): the image's own spectrum is
 * smooth and falls steeply with frequency, the mark's lattice is a set of sharp lines; flattening
 * the first lets the second dominate the autocorrelation instead of the photo's low frequencies.
 */
const SPEC_R = 6;
function whitenSpectrum(power: Float64Array, N: number): void {
  // both fully written before they are read
  const tmp = lagPlane(2);
  const sm = lagPlane(3);
  const R = SPEC_R;
  const inv = 1 / (2 * R + 1);
  for (let y = 0; y < N; y++) {
    const row = y * N;
    let s = 0;
    for (let i = -R; i <= R; i++) s += power[row + ((i + N) % N)]!;
    for (let x = 0; x < N; x++) {
      tmp[row + x] = s * inv;
      s += power[row + ((x + R + 1) % N)]! - power[row + ((x - R + N) % N)]!;
    }
  }
  for (let x = 0; x < N; x++) {
    let s = 0;
    for (let j = -R; j <= R; j++) s += tmp[((j + N) % N) * N + x]!;
    for (let y = 0; y < N; y++) {
      sm[y * N + x] = s * inv;
      s += tmp[((y + R + 1) % N) * N + x]! - tmp[((y - R + N) % N) * N + x]!;
    }
  }
  let mean = 0;
  for (let i = 0; i < N * N; i++) mean += sm[i]!;
  const eps = (1e-3 * mean) / (N * N);
  power[0] = 0;
  for (let i = 1; i < N * N; i++) power[i] = power[i]! / (sm[i]! + eps);
}

function fft2d(re: Float64Array, im: Float64Array, n: number, inverse: boolean): void {
  for (let row = 0; row < n * n; row += n) fft(re.subarray(row, row + n), im.subarray(row, row + n), inverse);
  fftColumns(re, im, n, inverse);
}

/** r minus its 5×5 mean (cyclic), within ±(maxLag + 2) lags. */
export function localExcess(r: Float64Array, maxLag: number): Float64Array {
  const N = WINDOW;
  const L = Math.min(maxLag + 4, N / 2 - 3);
  const idx = (u: number, v: number) => cyclic(v) * N + cyclic(u);
  // only the lags within ±L are written and read
  const tmp = lagPlane(2);
  for (let y = -L; y <= L; y++)
    for (let x = -L; x <= L; x++) {
      let s = 0;
      for (let t = -2; t <= 2; t++) s += r[idx(x + t, y)]!;
      tmp[idx(x, y)] = s / 5;
    }
  // only the lags within ±(L − 2) are written; the lattice search reads a little past them as zero
  const out = lagPlane(5).fill(0);
  for (let y = -L + 2; y <= L - 2; y++)
    for (let x = -L + 2; x <= L - 2; x++) {
      let s = 0;
      for (let t = -2; t <= 2; t++) s += tmp[idx(x, y + t)]!;
      out[idx(x, y)] = r[idx(x, y)]! - s / 5;
    }
  return out;
}
