import { codebook, TILE, type Bin } from "./pattern.ts";
import { SQUARE_SYMMETRIES, type TileMap } from "./sync.ts";

/** residue tables i ↦ (i mod TILE) and i ↦ (i mod TILE)·TILE, grown on demand (exact integer bins) */
let modCol = new Int32Array(0);
let modRow = new Int32Array(0);
function modTables(n: number): void {
  if (modCol.length >= n) return;
  const size = Math.max(n, 2 * modCol.length);
  modCol = new Int32Array(size);
  modRow = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    modCol[i] = i % TILE;
    modRow[i] = (i % TILE) * TILE;
  }
}

/**
 * Scratch of the per-surface work (fold counts, row DFTs, the pilot correlation surface), reused
 * between calls: a read computes a few hundred surfaces, and their garbage was a large part of the
 * collector's ≈ 13% of an unmarked read. Every use overwrites or zeroes what it reads.
 */
const foldCounts = new Int32Array(TILE * TILE);
const surface = new Float64Array(TILE * TILE);
let rowScratch = new Float64Array(0);
let pilotScratch = new Float64Array(0);

/** Folds the image onto one TILE×TILE tile: pixel (x, y) goes to bin round(map · (x, y)) mod TILE. */
export function fold(w: Float32Array, width: number, height: number, m: TileMap): Float64Array {
  // a local number, not the imported binding: TILE in `off` made this call box ≈ 70 KB of doubles
  const tile = +TILE;
  const sum = new Float64Array(tile * tile);
  const cnt = foldCounts.fill(0);
  // offset keeps the coordinates positive so that truncation is a floor
  const reach =
    Math.abs(m.a) * width + Math.abs(m.b) * height + Math.abs(m.c) * width + Math.abs(m.d) * height;
  const off = tile * Math.ceil(reach / tile + 2) + 0.5;
  // the hot loop reads the residues from tables instead of two integer divisions per pixel
  modTables(Math.ceil(off + reach) + 2);
  const col = modCol;
  const row = modRow;
  for (let y = 0; y < height; y++) {
    let u = m.b * y + off;
    let v = m.d * y + off;
    const src = y * width;
    for (let x = 0; x < width; x++) {
      const t = row[v | 0]! + col[u | 0]!;
      sum[t]! += w[src + x]!;
      cnt[t]!++;
      u += m.a;
      v += m.c;
    }
  }
  let mean = 0;
  let filled = 0;
  for (let i = 0; i < sum.length; i++) {
    if (cnt[i]! > 0) {
      sum[i] = sum[i]! / cnt[i]!;
      mean += sum[i]!;
      filled++;
    }
  }
  mean = filled > 0 ? mean / filled : 0;
  for (let i = 0; i < sum.length; i++) sum[i] = cnt[i]! > 0 ? sum[i]! - mean : 0;
  return sum;
}

interface BandLayout {
  /** per band bin (pilot bins first, then payload bins): horizontal frequency and vertical frequency */
  fu: Int32Array;
  fv: Int32Array;
  fuMax: number;
}
let layout: BandLayout | null = null;
function bandLayout(): BandLayout {
  if (layout) return layout;
  const cb = codebook();
  const bins: Bin[] = [...cb.pilotBins, ...cb.payloadBins];
  layout = {
    fu: Int32Array.from(bins, (b) => b.fu),
    fv: Int32Array.from(bins, (b) => b.fv),
    fuMax: bins.reduce((m, b) => Math.max(m, Math.abs(b.fu)), 0),
  };
  return layout;
}

/**
 * DFT of the folded tile on all band bins: [pilot bins..., payload bins...] as interleaved re, im.
 * Separable: the row DFTs for the horizontal frequencies 0..fuMax (a real row's DFT at −fu is the
 * conjugate of the one at fu), then one column sum per bin.
 */
export function bandCoefficients(tile: Float64Array): Float64Array {
  const { cosT, sinT } = codebook();
  const { fu: binFu, fv: binFv, fuMax } = bandLayout();
  const nfu = fuMax + 1;
  if (rowScratch.length < 2 * TILE * nfu) rowScratch = new Float64Array(2 * TILE * nfu);
  // every entry is written below before it is read
  const rowRe = rowScratch.subarray(0, TILE * nfu);
  const rowIm = rowScratch.subarray(TILE * nfu, 2 * TILE * nfu);
  for (let y = 0; y < TILE; y++) {
    const base = y * TILE;
    for (let fu = 0; fu <= fuMax; fu++) {
      let sr = 0;
      let si = 0;
      let ph = 0;
      for (let x = 0; x < TILE; x++) {
        const v = tile[base + x]!;
        sr += v * cosT[ph]!;
        si -= v * sinT[ph]!;
        ph += fu;
        if (ph >= TILE) ph -= TILE;
      }
      rowRe[y * nfu + fu] = sr;
      rowIm[y * nfu + fu] = si;
    }
  }
  const nb = binFu.length;
  const out = new Float64Array(2 * nb);
  for (let i = 0; i < nb; i++) {
    const fu = binFu[i]!;
    const fv = binFv[i]!;
    const col = fu < 0 ? -fu : fu;
    const sgn = fu < 0 ? -1 : 1; // conjugate the row DFT for negative fu
    let sr = 0;
    let si = 0;
    let ph = 0;
    for (let y = 0; y < TILE; y++) {
      const ar = rowRe[y * nfu + col]!;
      const ai = sgn * rowIm[y * nfu + col]!;
      const c = cosT[ph]!;
      const s = sinT[ph]!;
      // multiply by e^{-iθ}
      sr += ar * c + ai * s;
      si += ai * c - ar * s;
      ph += fv;
      if (ph >= TILE) ph -= TILE;
    }
    out[2 * i] = sr;
    out[2 * i + 1] = si;
  }
  return out;
}

let pilotFvs: number[] | null = null;
function pilotRows(): number[] {
  pilotFvs ??= [...new Set(codebook().pilotBins.map((b) => b.fv))];
  return pilotFvs;
}

const symmetryTables = new Map<number, { src: Int32Array; conj: Uint8Array }>();

/**
 * Band coefficients of the tile F_g(u) = F(g·u) from those of F: F̂_g(k) = F̂(g·k), read from the
 * half plane (conjugated where g·k falls in the other half).
 */
export function transformCoefficients(coef: Float64Array, gi: number): Float64Array {
  if (gi === 0) return coef;
  let t = symmetryTables.get(gi);
  if (!t) {
    const cb = codebook();
    const bins: Bin[] = [...cb.pilotBins, ...cb.payloadBins];
    const index = new Map<number, number>();
    bins.forEach((b, i) => index.set(b.fu * 1000 + b.fv, i));
    const g = SQUARE_SYMMETRIES[gi]!;
    const src = new Int32Array(bins.length);
    const conj = new Uint8Array(bins.length);
    bins.forEach((b, i) => {
      const fu = g[0] * b.fu + g[1] * b.fv;
      const fv = g[2] * b.fu + g[3] * b.fv;
      const direct = index.get(fu * 1000 + fv);
      if (direct !== undefined) src[i] = direct;
      else {
        const j = index.get(-fu * 1000 - fv);
        if (j === undefined) throw new Error("internal: band not closed under the square's symmetries");
        src[i] = j;
        conj[i] = 1;
      }
    });
    t = { src, conj };
    symmetryTables.set(gi, t);
  }
  const out = new Float64Array(coef.length);
  for (let i = 0; i < t.src.length; i++) {
    const j = t.src[i]!;
    out[2 * i] = coef[2 * j]!;
    out[2 * i + 1] = t.conj[i] ? -coef[2 * j + 1]! : coef[2 * j + 1]!;
  }
  return out;
}

/** Pilot cross-correlation over all TILE² cyclic shifts; returns the top peaks with sub-pixel offsets. */
export function pilotPeaks(
  coef: Float64Array,
  count: number,
): { z: number; peak: number; sx: number; sy: number }[] {
  const cb = codebook();
  const nP = cb.pilotBins.length;
  const { cosT, sinT } = cb;
  // X_b = T̂_b · conj(P_b)
  const fvs = pilotRows();
  const nv = fvs.length;
  const need = 2 * nP + 2 * nv * TILE;
  if (pilotScratch.length < need) pilotScratch = new Float64Array(need);
  const xr = pilotScratch.subarray(0, nP);
  const xi = pilotScratch.subarray(nP, 2 * nP);
  for (let b = 0; b < nP; b++) {
    const tr = coef[2 * b]!;
    const ti = coef[2 * b + 1]!;
    const pr = cb.pilotRe[b]!;
    const pi = cb.pilotIm[b]!;
    xr[b] = tr * pr + ti * pi;
    xi[b] = ti * pr - tr * pi;
  }
  // C(sx, sy) = Σ_b Re(X_b e^{-2πi(fu·sx + fv·sy)/TILE}), separably: first Σ over the bins of each fv
  const ar = pilotScratch.subarray(2 * nP, 2 * nP + nv * TILE).fill(0);
  const ai = pilotScratch.subarray(2 * nP + nv * TILE, 2 * nP + 2 * nv * TILE).fill(0);
  for (let b = 0; b < nP; b++) {
    const { fu, fv } = cb.pilotBins[b]!;
    const row = fvs.indexOf(fv) * TILE;
    const xrb = xr[b]!;
    const xib = xi[b]!;
    const fuStep = ((fu % TILE) + TILE) % TILE;
    for (let sx = 0, ph = 0; sx < TILE; sx++) {
      // (xr + i·xi)(cos − i·sin)
      ar[row + sx]! += xrb * cosT[ph]! + xib * sinT[ph]!;
      ai[row + sx]! += xib * cosT[ph]! - xrb * sinT[ph]!;
      ph += fuStep;
      if (ph >= TILE) ph -= TILE;
    }
  }
  const c = surface.fill(0);
  for (let k = 0; k < nv; k++) {
    const fv = fvs[k]!;
    const row = k * TILE;
    for (let sy = 0, ph = 0; sy < TILE; sy++) {
      const cs = cosT[ph]!;
      const sn = sinT[ph]!;
      const out = sy * TILE;
      for (let sx = 0; sx < TILE; sx++) c[out + sx]! += ar[row + sx]! * cs + ai[row + sx]! * sn;
      ph += fv;
      if (ph >= TILE) ph -= TILE;
    }
  }
  let mean = 0;
  for (let i = 0; i < c.length; i++) mean += c[i]!;
  mean /= c.length;
  let varr = 0;
  for (let i = 0; i < c.length; i++) varr += (c[i]! - mean) ** 2;
  const sd = Math.sqrt(varr / c.length) || 1;
  const out: { z: number; peak: number; sx: number; sy: number }[] = [];
  const taken: number[] = [];
  for (let k = 0; k < count; k++) {
    let bi = -1;
    let bv = -Infinity;
    // no closure over `i` here: one captured per pixel gave every iteration its own context
    for (let i = 0; i < c.length; i++) {
      const ci = c[i]!;
      if (ci > bv && !nearTaken(taken, i)) {
        bv = ci;
        bi = i;
      }
    }
    if (bi < 0) break;
    taken.push(bi);
    const ix = bi % TILE;
    const iy = (bi - ix) / TILE;
    const ox = parabola(cyclicAt(c, ix - 1, iy), bv, cyclicAt(c, ix + 1, iy));
    const oy = parabola(cyclicAt(c, ix, iy - 1), bv, cyclicAt(c, ix, iy + 1));
    out.push({ z: (bv - mean) / sd, peak: bv - mean, sx: ix + ox, sy: iy + oy });
  }
  return out;
}

/** whether bin i lies within 2 (cyclic Chebyshev distance) of a peak already taken */
function nearTaken(taken: number[], i: number): boolean {
  for (let k = 0; k < taken.length; k++) if (cyclicDist(taken[k]!, i) <= 2) return true;
  return false;
}

/** the surface at (x, y), both taken cyclically */
function cyclicAt(c: Float64Array, x: number, y: number): number {
  return c[(((y % TILE) + TILE) % TILE) * TILE + (((x % TILE) + TILE) % TILE)]!;
}

function cyclicDist(a: number, b: number): number {
  const ax = a % TILE;
  const ay = (a - ax) / TILE;
  const bx = b % TILE;
  const by = (b - bx) / TILE;
  const dx = Math.min(Math.abs(ax - bx), TILE - Math.abs(ax - bx));
  const dy = Math.min(Math.abs(ay - by), TILE - Math.abs(ay - by));
  return Math.max(dx, dy);
}

function parabola(a: number, b: number, c: number): number {
  const d = a - 2 * b + c;
  if (d >= 0) return 0;
  const o = (0.5 * (a - c)) / d;
  return Math.max(-0.5, Math.min(0.5, o));
}

/** Energy of the folded tile's band coefficients (all bins): a shift- and orientation-free mark screen. */
export function bandEnergy(coef: Float64Array): number {
  let e = 0;
  for (let i = 0; i < coef.length; i++) e += coef[i]! * coef[i]!;
  return e;
}
