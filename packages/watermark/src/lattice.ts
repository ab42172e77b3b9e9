/**
 * Geometric resynchronisation from the autocorrelation lattice (Kutter 1998; Deguillaume,
 * Voloshynovskiy & Pun 2002).
 *
 * The mark repeats on a 63×63 tile, so the autocorrelation of a marked image has peaks on the
 * lattice {k₁·b₁ + k₂·b₂}, where b₁, b₂ are the tile's period vectors after whatever rotation,
 * rescale, aspect change or shear the image went through. A reduced basis of that lattice gives the
 * linear map back to tile coordinates up to the lattice's own symmetries — the 8 signed
 * permutations of the square (90° turns and mirror images), which the detector tries on the folded
 * tile at almost no cost — and the remaining translation is found by the pilot correlation.
 */
import { autocorr2d, cyclic, lagPlane, localExcess, R_MIN, WINDOW } from "./autocorr.ts";
import { TILE } from "./pattern.ts";
import { composeMap, shrink, SQUARE_SYMMETRIES, type TileMap } from "./sync.ts";

const PEAKS = 20;

/** Bilinear read of the (cyclically indexed) autocorrelation at a real lag. */
function at(r: Float64Array, x: number, y: number): number {
  const N = WINDOW;
  const ix = Math.floor(x);
  const iy = Math.floor(y);
  const fx = x - ix;
  const fy = y - iy;
  const g = (u: number, v: number) => r[cyclic(v) * N + cyclic(u)]!;
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
  const g = (u: number, v: number) => r[cyclic(v) * N + cyclic(u)]!;
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
  const g = (u: number, v: number) => r[cyclic(v) * N + cyclic(u)]!;
  // harmonic comb: a lattice vector d also has peaks at 2d, 3d, …; their mean is a far steadier
  // score than r(d) alone when the mark is weak
  // a reused plane (autocorr.ts), zeroed: the maxima scan reads a lag past the written ring
  const comb = lagPlane(6).fill(0);
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
  const cg = (u: number, v: number) => comb[cyclic(v) * N + cyclic(u)]!;
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
