/**
 * In-place iterative radix-2 complex FFT over split real/imaginary Float64Arrays.
 * Tables (bit reversal, twiddles) are computed once per size and cached. The detector's line and
 * patch FFTs are 256–2048 long; the loops are ordered for them (see fft) without changing any
 * butterfly's rounding, so the results equal the textbook loop's (only an exact zero's sign can differ).
 */
interface FftTables {
  n: number;
  rev: Uint32Array;
  cos: Float64Array;
  sin: Float64Array;
}

const tables = new Map<number, FftTables>();

function getTables(n: number): FftTables {
  let t = tables.get(n);
  if (t) return t;
  if (n < 1 || (n & (n - 1)) !== 0) throw new RangeError(`FFT size must be a power of two, got ${n}`);
  const bits = Math.round(Math.log2(n));
  const rev = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >>> b) & 1) << (bits - 1 - b);
    rev[i] = r;
  }
  const half = n >> 1;
  const cos = new Float64Array(Math.max(half, 1));
  const sin = new Float64Array(Math.max(half, 1));
  for (let i = 0; i < half; i++) {
    cos[i] = Math.cos((2 * Math.PI * i) / n);
    sin[i] = -Math.sin((2 * Math.PI * i) / n);
  }
  t = { n, rev, cos, sin };
  tables.set(n, t);
  return t;
}

/** Forward (sign -1) or inverse (sign +1, unnormalised) FFT of length re.length, in place. */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  const { rev, cos, sin } = getTables(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i]!;
    if (j > i) {
      const tr = re[i]!;
      re[i] = re[j]!;
      re[j] = tr;
      const ti = im[i]!;
      im[i] = im[j]!;
      im[j] = ti;
    }
  }
  // The size-2 stage's twiddle is (1, ±0), whose products are exact: its butterflies are plain sums
  // and differences.
  for (let a = 0; a + 1 < n; a += 2) sumDiff(re, im, a, a + 1);
  const sgn = inverse ? -1 : 1;
  // Butterflies of one stage touch disjoint pairs, so their order does not change a bit of the result:
  // twiddle-major order loads each twiddle once per stage, which matters where the blocks are short.
  for (let size = 4; size <= n; size <<= 1) {
    const halfSize = size >> 1;
    const step = n / size;
    for (let k = 0, t = 0; k < halfSize; k++, t += step) {
      const wr = cos[t]!;
      const wi = sgn * sin[t]!;
      for (let a = k; a < n; a += size) butterfly(re, im, a, a + halfSize, wr, wi);
    }
  }
}

/** The radix-2 butterfly on elements a and b with twiddle (wr, wi): a ± w·b. */
function butterfly(re: Float64Array, im: Float64Array, a: number, b: number, wr: number, wi: number): void {
  const br = re[b]!;
  const bi = im[b]!;
  const xr = br * wr - bi * wi;
  const xi = br * wi + bi * wr;
  const ar = re[a]!;
  const ai = im[a]!;
  re[b] = ar - xr;
  im[b] = ai - xi;
  re[a] = ar + xr;
  im[a] = ai + xi;
}

/** The butterfly with twiddle 1 (the size-2 stage), whose products would be exact: a ± b. */
function sumDiff(re: Float64Array, im: Float64Array, a: number, b: number): void {
  const br = re[b]!;
  const bi = im[b]!;
  const ar = re[a]!;
  const ai = im[a]!;
  re[b] = ar - br;
  im[b] = ai - bi;
  re[a] = ar + br;
  im[a] = ai + bi;
}

export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

/**
 * The FFT of every column of the n×n row-major plane (re, im), in place: each column gets fft's
 * arithmetic exactly (the same butterflies, twiddles and order per element), but the butterflies
 * run on whole rows, so the plane is read a row at a time instead of gathered column by column —
 * the column pass of a 256² FFT was its slow half.
 */
export function fftColumns(re: Float64Array, im: Float64Array, n: number, inverse = false): void {
  if (re.length !== n * n || im.length !== n * n)
    throw new RangeError(`fftColumns needs two ${n}×${n} planes, got ${re.length} and ${im.length} values`);
  const { rev, cos, sin } = getTables(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i]!;
    if (j > i) swapRows(re, im, i * n, j * n, n);
  }
  for (let a = 0; a + 1 < n; a += 2) {
    const ra = a * n;
    const rb = ra + n;
    for (let x = 0; x < n; x++) sumDiff(re, im, ra + x, rb + x);
  }
  const sgn = inverse ? -1 : 1;
  for (let size = 4; size <= n; size <<= 1) {
    const halfSize = size >> 1;
    const step = n / size;
    for (let k = 0, t = 0; k < halfSize; k++, t += step) {
      const wr = cos[t]!;
      const wi = sgn * sin[t]!;
      for (let a = k; a < n; a += size) {
        const ra = a * n;
        const rb = ra + halfSize * n;
        for (let x = 0; x < n; x++) butterfly(re, im, ra + x, rb + x, wr, wi);
      }
    }
  }
}

function swapRows(re: Float64Array, im: Float64Array, p: number, q: number, n: number): void {
  for (let x = 0; x < n; x++) {
    const tr = re[p + x]!;
    re[p + x] = re[q + x]!;
    re[q + x] = tr;
    const ti = im[p + x]!;
    im[p + x] = im[q + x]!;
    im[q + x] = ti;
  }
}
