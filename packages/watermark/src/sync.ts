/**
 * Geometric resynchronisation: estimates the affine map of the tile lattice from the 2-D
 * autocorrelation of the whitened image (Kutter 1998; Deguillaume, Voloshynovskiy & Pun 2002).
 *
 * The mark repeats on a 63×63 tile, so the autocorrelation of a marked image has peaks on the
 * lattice {k₁·b₁ + k₂·b₂}, where b₁, b₂ are the tile's period vectors after whatever rotation,
 * rescale, aspect change or shear the image went through. A reduced basis of that lattice gives the
 * linear map back to tile coordinates up to the lattice's own symmetries — the 8 signed
 * permutations of the square (90° turns and mirror images), which the detector tries on the folded
 * tile at almost no cost — and the remaining translation is found by the pilot correlation.
 */
import { fft } from "./fft.ts";
import { TILE } from "./pattern.ts";

/** Linear map from image pixels to tile bins: u = a·x + b·y, v = c·x + d·y (63 bins per period). */
export interface TileMap {
  a: number;
  b: number;
  c: number;
  d: number;
}

const WINDOW = 256;
/** Lattice vectors shorter than this (in autocorrelation pixels) are not searched: the whitening's own correlation. */
const R_MIN = 9;
const PEAKS = 20;

/** Box-downsamples a plane by an integer factor. */
export function shrink(src: Float32Array, width: number, height: number, f: number) {
  if (f === 1) return { data: src, width, height };
  const w2 = Math.floor(width / f);
  const h2 = Math.floor(height / f);
  const out = new Float32Array(w2 * h2);
  const inv = 1 / (f * f);
  for (let y = 0; y < h2; y++)
    for (let j = 0; j < f; j++) {
      const row = (y * f + j) * width;
      for (let x = 0; x < w2; x++) {
        let s = 0;
        for (let i = 0; i < f; i++) s += src[row + x * f + i]!;
        out[y * w2 + x]! += s * inv;
      }
    }
  return { data: out, width: w2, height: h2 };
}

/**
 * Normalised autocorrelation from the averaged power spectra of up to four WINDOW² patches spread
 * over the image (Welch). A filled patch is treated as circular (the wrap only dilutes peaks); an
 * image smaller than the window is zero-padded and divided by the overlap. Two real patches share
 * one complex FFT: |A|² + |B|² of Z = A + iB is (|Z(k)|² + |Z(−k)|²)/2.
 */
function autocorr2d(
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
  const re = new Float64Array(N * N);
  const im = new Float64Array(N * N);
  const load = (dst: Float64Array, x0: number, y0: number) => {
    let mean = 0;
    for (let y = 0; y < wh; y++) for (let x = 0; x < ww; x++) mean += src[(y0 + y) * width + x0 + x]!;
    mean /= ww * wh;
    for (let y = 0; y < wh; y++)
      for (let x = 0; x < ww; x++) dst[y * N + x] = src[(y0 + y) * width + x0 + x]! - mean;
  };
  for (let k = 0; k < patches.length; k += 2) {
    re.fill(0);
    im.fill(0);
    load(re, patches[k]![0], patches[k]![1]);
    if (k + 1 < patches.length) load(im, patches[k + 1]![0], patches[k + 1]![1]);
    fft2d(re, im, N, false);
    for (let y = 0; y < N; y++) {
      const my = ((N - y) % N) * N;
      for (let x = 0; x < N; x++) {
        const i = y * N + x;
        const j = my + ((N - x) % N);
        power[i]! += 0.5 * (re[i]! * re[i]! + im[i]! * im[i]! + re[j]! * re[j]! + im[j]! * im[j]!);
      }
    }
  }
  whitenSpectrum(power, N);
  re.set(power);
  im.fill(0);
  fft2d(re, im, N, true);
  const r0 = re[0]!;
  if (!(r0 > 0)) return null;
  const padded = ww < N || wh < N;
  const maxLag = Math.floor(Math.min(padded ? Math.min(ww, wh) * 0.6 : N / 2 - 2, 150));
  if (maxLag < R_MIN + 4) return null;
  const r = new Float64Array(N * N);
  for (let dy = -maxLag; dy <= maxLag; dy++) {
    for (let dx = -maxLag; dx <= maxLag; dx++) {
      const i = ((dy + N) % N) * N + ((dx + N) % N);
      const overlap = padded ? ((ww - Math.abs(dx)) * (wh - Math.abs(dy))) / (ww * wh) : 1;
      r[i] = overlap > 0.1 ? re[i]! / r0 / overlap : 0;
    }
  }
  return { r, maxLag };
}

/**
 * Divides the power spectrum by its local mean (cyclic (2R+1)² box): the image's own spectrum is
 * smooth and falls steeply with frequency, the mark's lattice is a set of sharp lines; flattening
 * the first lets the second dominate the autocorrelation instead of the photo's low frequencies.
 */
const SPEC_R = 6;
function whitenSpectrum(power: Float64Array, N: number): void {
  const tmp = new Float64Array(N * N);
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
  const sm = new Float64Array(N * N);
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
  const lr = new Float64Array(n);
  const li = new Float64Array(n);
  for (let y = 0; y < n; y++) {
    const row = y * n;
    lr.set(re.subarray(row, row + n));
    li.set(im.subarray(row, row + n));
    fft(lr, li, inverse);
    re.set(lr, row);
    im.set(li, row);
  }
  for (let x = 0; x < n; x++) {
    for (let y = 0; y < n; y++) {
      lr[y] = re[y * n + x]!;
      li[y] = im[y * n + x]!;
    }
    fft(lr, li, inverse);
    for (let y = 0; y < n; y++) {
      re[y * n + x] = lr[y]!;
      im[y * n + x] = li[y]!;
    }
  }
}

/** r minus its 5×5 mean (cyclic), within ±(maxLag + 2) lags. */
function localExcess(r: Float64Array, maxLag: number): Float64Array {
  const N = WINDOW;
  const L = Math.min(maxLag + 4, N / 2 - 3);
  const idx = (u: number, v: number) => ((v + N) % N) * N + ((u + N) % N);
  const tmp = new Float64Array(N * N);
  for (let y = -L; y <= L; y++)
    for (let x = -L; x <= L; x++) {
      let s = 0;
      for (let t = -2; t <= 2; t++) s += r[idx(x + t, y)]!;
      tmp[idx(x, y)] = s / 5;
    }
  const out = new Float64Array(N * N);
  for (let y = -L + 2; y <= L - 2; y++)
    for (let x = -L + 2; x <= L - 2; x++) {
      let s = 0;
      for (let t = -2; t <= 2; t++) s += tmp[idx(x, y + t)]!;
      out[idx(x, y)] = r[idx(x, y)]! - s / 5;
    }
  return out;
}

/** Bilinear read of the (cyclically indexed) autocorrelation at a real lag. */
function at(r: Float64Array, x: number, y: number): number {
  const N = WINDOW;
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  const fx = x - ix;
  const fy = y - iy;
  const g = (u: number, v: number) => r[((v + N) % N) * N + ((u + N) % N)]!;
  const top = g(ix, iy) + fx * (g(ix + 1, iy) - g(ix, iy));
  const bot = g(ix, iy + 1) + fx * (g(ix + 1, iy + 1) - g(ix, iy + 1));
  return top + fy * (bot - top);
}

interface Peak {
  x: number;
  y: number;
  v: number;
}

/** Local maximum near (x, y) within ±2 lags, with a parabolic sub-lag offset per axis. */
function peakNear(r: Float64Array, x: number, y: number): Peak {
  const N = WINDOW;
  const g = (u: number, v: number) => r[((v + N) % N) * N + ((u + N) % N)]!;
  let bx = Math.round(x);
  let by = Math.round(y);
  for (let dy = -2; dy <= 2; dy++)
    for (let dx = -2; dx <= 2; dx++) {
      const ux = Math.round(x) + dx;
      const uy = Math.round(y) + dy;
      if (g(ux, uy) > g(bx, by)) {
        bx = ux;
        by = uy;
      }
    }
  const c = g(bx, by);
  const off = (a: number, b: number) => {
    const den = a - 2 * c + b;
    return den < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - b)) / den)) : 0;
  };
  return { x: bx + off(g(bx - 1, by), g(bx + 1, by)), y: by + off(g(bx, by - 1), g(bx, by + 1)), v: c };
}

/** Comb score of a lattice basis: mean r on lattice points minus mean r on the half-way points. */
function latticeScore(r: Float64Array, maxLag: number, v1: Peak, v2: Peak): number {
  let on = 0;
  let off = 0;
  let n = 0;
  for (let k1 = -2; k1 <= 2; k1++) {
    for (let k2 = 0; k2 <= 2; k2++) {
      if (k2 === 0 && k1 <= 0) continue;
      const x = k1 * v1.x + k2 * v2.x;
      const y = k1 * v1.y + k2 * v2.y;
      if (Math.abs(x) > maxLag - 1 || Math.abs(y) > maxLag - 1) continue;
      on += at(r, x, y);
      off += at(r, x - 0.5 * v1.x - 0.5 * v2.x, y - 0.5 * v1.y - 0.5 * v2.y);
      n++;
    }
  }
  return n >= 3 ? (on - off) / n : -Infinity;
}

/** Least-squares fit of the basis to every lattice peak within reach (weights: peak heights). */
function refineBasis(r: Float64Array, maxLag: number, v1: Peak, v2: Peak): [Peak, Peak] {
  let s11 = 0;
  let s12 = 0;
  let s22 = 0;
  let bx1 = 0;
  let bx2 = 0;
  let by1 = 0;
  let by2 = 0;
  for (let k1 = -4; k1 <= 4; k1++) {
    for (let k2 = 0; k2 <= 4; k2++) {
      if (k2 === 0 && k1 <= 0) continue;
      const x = k1 * v1.x + k2 * v2.x;
      const y = k1 * v1.y + k2 * v2.y;
      if (Math.abs(x) > maxLag - 3 || Math.abs(y) > maxLag - 3) continue;
      const p = peakNear(r, x, y);
      const w = Math.max(p.v, 0);
      if (w <= 0) continue;
      s11 += w * k1 * k1;
      s12 += w * k1 * k2;
      s22 += w * k2 * k2;
      bx1 += w * k1 * p.x;
      bx2 += w * k2 * p.x;
      by1 += w * k1 * p.y;
      by2 += w * k2 * p.y;
    }
  }
  const det = s11 * s22 - s12 * s12;
  if (!(det > 1e-12)) return [v1, v2];
  const n1 = { x: (s22 * bx1 - s12 * bx2) / det, y: (s22 * by1 - s12 * by2) / det, v: v1.v };
  const n2 = { x: (s11 * bx2 - s12 * bx1) / det, y: (s11 * by2 - s12 * by1) / det, v: v2.v };
  const moved = Math.hypot(n1.x - v1.x, n1.y - v1.y) + Math.hypot(n2.x - v2.x, n2.y - v2.y);
  return moved < 2 ? [n1, n2] : [v1, v2];
}

/** Lagrange–Gauss reduction: the two shortest independent vectors of the lattice. */
function reduce(a: Peak, b: Peak): [Peak, Peak] {
  let u = { ...a };
  let v = { ...b };
  for (let it = 0; it < 16; it++) {
    if (u.x * u.x + u.y * u.y > v.x * v.x + v.y * v.y) [u, v] = [v, u];
    const m = Math.round((u.x * v.x + u.y * v.y) / (u.x * u.x + u.y * u.y));
    if (m === 0) break;
    v = { x: v.x - m * u.x, y: v.y - m * u.y, v: v.v };
  }
  return [u, v];
}

/** The map to tile bins for period vectors b₁ (tile u axis) and b₂ (tile v axis): 63 · [b₁ b₂]⁻¹. */
function mapFromBasis(b1x: number, b1y: number, b2x: number, b2y: number): TileMap | null {
  const det = b1x * b2y - b2x * b1y;
  if (!(Math.abs(det) > 1e-6)) return null;
  const k = TILE / det;
  return { a: k * b2y, b: -k * b2x, c: -k * b1y, d: k * b1x };
}

/**
 * Candidate tile maps from the autocorrelation lattice, best first (at most `count`). Each is
 * defined up to the 8 symmetries of the square, which the caller resolves with the pilot.
 */
export function estimateTileMaps(w: Float32Array, width: number, height: number, count = 2): TileMap[] {
  const f = Math.min(width, height) >= 400 ? 2 : 1;
  const s = shrink(w, width, height, f);
  const ac = autocorr2d(s.data, s.width, s.height);
  if (!ac) return [];
  const { maxLag } = ac;
  const N = WINDOW;
  // the image's own correlation is smooth in the lag: keep the excess over a 5×5 neighbourhood
  const r = localExcess(ac.r, maxLag);
  const rMax = Math.min(maxLag, 150 / f);
  const g = (u: number, v: number) => r[((v + N) % N) * N + ((u + N) % N)]!;
  // harmonic comb: a lattice vector d also has peaks at 2d, 3d, …; their mean is a far steadier
  // score than r(d) alone when the mark is weak
  const comb = new Float64Array(N * N);
  for (let dy = 0; dy <= rMax; dy++) {
    for (let dx = -rMax; dx <= rMax; dx++) {
      const d2 = dx * dx + dy * dy;
      if (d2 < (R_MIN - 1) ** 2 || d2 > (rMax + 1) ** 2) continue;
      // an integer lag is up to ½ off the true vector, so k·d up to k/2: take the best of the 3×3 there
      let sum = g(dx, dy);
      let k = 2;
      for (; k <= 3 && Math.abs(k * dx) <= maxLag - 1 && Math.abs(k * dy) <= maxLag - 1; k++) {
        let m = -Infinity;
        for (let j = -1; j <= 1; j++)
          for (let i = -1; i <= 1; i++) m = Math.max(m, g(k * dx + i, k * dy + j));
        sum += m;
      }
      comb[((dy + N) % N) * N + ((dx + N) % N)] = sum / (k - 1);
    }
  }
  const cg = (u: number, v: number) => comb[((v + N) % N) * N + ((u + N) % N)]!;
  // local maxima of the comb in the upper half plane, R_MIN ≤ |lag| ≤ rMax
  const peaks: Peak[] = [];
  for (let dy = 0; dy <= rMax; dy++) {
    for (let dx = -rMax; dx <= rMax; dx++) {
      if (dy === 0 && dx <= 0) continue;
      const d2 = dx * dx + dy * dy;
      if (d2 < R_MIN * R_MIN || d2 > rMax * rMax) continue;
      const v = cg(dx, dy);
      if (v <= 0) continue;
      if (
        v < cg(dx - 1, dy) ||
        v < cg(dx + 1, dy) ||
        v < cg(dx, dy - 1) ||
        v < cg(dx, dy + 1) ||
        v < cg(dx - 1, dy - 1) ||
        v < cg(dx + 1, dy + 1) ||
        v < cg(dx - 1, dy + 1) ||
        v < cg(dx + 1, dy - 1)
      )
        continue;
      if (peaks.length < PEAKS || v > peaks[peaks.length - 1]!.v) {
        peaks.push({ x: dx, y: dy, v });
        peaks.sort((p, q) => q.v - p.v);
        if (peaks.length > PEAKS) peaks.pop();
      }
    }
  }
  const cands: { score: number; area: number; v1: Peak; v2: Peak }[] = [];
  for (let i = 0; i < peaks.length; i++) {
    for (let j = i + 1; j < peaks.length; j++) {
      const p = peakNear(r, peaks[i]!.x, peaks[i]!.y);
      let q = peakNear(r, peaks[j]!.x, peaks[j]!.y);
      const lp = Math.hypot(p.x, p.y);
      const lq = Math.hypot(q.x, q.y);
      const cross = p.x * q.y - p.y * q.x;
      if (Math.abs(cross) < 0.5 * lp * lq) continue; // nearly collinear
      if (cross < 0) q = { x: -q.x, y: -q.y, v: q.v };
      const [u, v] = reduce(p, q);
      const lu = Math.hypot(u.x, u.y);
      const lv = Math.hypot(v.x, v.y);
      if (lu < R_MIN || lv > 1.5 * lu) continue; // aspect 0.8–1.25 with rotation stays well inside
      const score = latticeScore(r, maxLag, u, v);
      cands.push({ score, area: Math.abs(u.x * v.y - u.y * v.x), v1: u, v2: v });
    }
  }
  if (cands.length === 0) return [];
  cands.sort((a, b) => b.score - a.score);
  const best = cands[0]!.score;
  if (!(best > 0)) return [];
  // a sub-lattice scores about as well as the lattice: prefer the finest one that scores ≥ 70% of the best
  const good = cands.filter((c) => c.score >= 0.7 * best).sort((a, b) => a.area - b.area);
  const order = [good[0]!, ...cands.filter((c) => c !== good[0])];
  const maps: TileMap[] = [];
  for (const c of order) {
    if (maps.length >= count) break;
    const [b1, b2] = refineBasis(r, maxLag, c.v1, c.v2);
    const m = mapFromBasis(b1.x * f, b1.y * f, b2.x * f, b2.y * f);
    if (!m) continue;
    const same = (o: TileMap) =>
      SQUARE_SYMMETRIES.some((sym) => {
        const t = composeMap(o, sym);
        return Math.abs(t.a - m.a) + Math.abs(t.b - m.b) + Math.abs(t.c - m.c) + Math.abs(t.d - m.d) < 0.02;
      });
    if (maps.some(same)) continue;
    maps.push(m);
  }
  return maps;
}

/** The 8 signed permutations of the square, as maps on tile coordinates (u, v) → (p·u + q·v, r·u + s·v). */
export const SQUARE_SYMMETRIES: readonly [number, number, number, number][] = [
  [1, 0, 0, 1],
  [0, -1, 1, 0],
  [-1, 0, 0, -1],
  [0, 1, -1, 0],
  [-1, 0, 0, 1],
  [1, 0, 0, -1],
  [0, 1, 1, 0],
  [0, -1, -1, 0],
];

/** F_g(u, v) = F(g·(u, v)) for a folded TILE×TILE tile. */
export function transformTile(
  tile: Float64Array,
  g: readonly [number, number, number, number],
): Float64Array {
  if (g[0] === 1 && g[1] === 0 && g[2] === 0 && g[3] === 1) return tile;
  const out = new Float64Array(TILE * TILE);
  for (let v = 0; v < TILE; v++) {
    for (let u = 0; u < TILE; u++) {
      const su = (((g[0] * u + g[1] * v) % TILE) + TILE) % TILE;
      const sv = (((g[2] * u + g[3] * v) % TILE) + TILE) % TILE;
      out[v * TILE + u] = tile[sv * TILE + su]!;
    }
  }
  return out;
}

/** g⁻¹ ∘ m: the tile map in the frame of the transformed tile (g is orthogonal, so g⁻¹ = gᵀ). */
export function composeMap(m: TileMap, g: readonly [number, number, number, number]): TileMap {
  return {
    a: g[0] * m.a + g[2] * m.c,
    b: g[0] * m.b + g[2] * m.d,
    c: g[1] * m.a + g[3] * m.c,
    d: g[1] * m.b + g[3] * m.d,
  };
}
