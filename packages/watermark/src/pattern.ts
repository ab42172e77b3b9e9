/**
 * The watermark tile: a TILE×TILE periodic, band-limited luminance pattern.
 *
 * The tile's 2-D DFT is non-zero only on a mid-frequency annulus (BAND_LO..BAND_HI cycles/pixel).
 * The annulus bins are split (by a fixed key) into pilot bins, which carry a known flat-spectrum
 * synchronisation pattern, and payload bins, whose 2·n real coefficients carry the 188 coded bits
 * spread through a random orthonormal matrix Q (every coded bit touches every payload frequency).
 */
import { CODED_BITS } from "./ecc.ts";
import { Prng } from "./prng.ts";

export const TILE = 63;
/** Side length above which the tile period grows with the image (canonical grid ≈ 1024 px). */
export const CANONICAL_SIDE = 1024;
export const BAND_LO = 0.03;
export const BAND_HI = 0.17;
/** Share of the tile energy given to the pilot (synchronisation) pattern. */
export const PILOT_ENERGY = 0.3;
/** Share of annulus bins used by the pilot. */
const PILOT_BIN_SHARE = 0.3;
const KEY = 0x41_74_65_6c; // "Atel"

export interface Bin {
  fu: number; // horizontal frequency index, -31..31
  fv: number; // vertical frequency index, 0..31 (half plane)
}

export interface Codebook {
  pilotBins: Bin[];
  /** pilot coefficients (complex, per pilot bin) */
  pilotRe: Float64Array;
  pilotIm: Float64Array;
  payloadBins: Bin[];
  /** Q: (2·payloadBins) × CODED_BITS, row-major, orthonormal columns */
  q: Float64Array;
  dims: number;
  /** cos/sin table for angles 2πk/TILE */
  cosT: Float64Array;
  sinT: Float64Array;
}

let cached: Codebook | null = null;

/**
 * The spreading matrix: dims × CODED_BITS Gaussian draws from `rng`, columns made orthonormal by
 * modified Gram–Schmidt (the primary's and the low carrier's codebooks).
 */
export function spreadingMatrix(rng: Prng, dims: number): Float64Array {
  const q = new Float64Array(dims * CODED_BITS);
  for (let i = 0; i < q.length; i++) q[i] = rng.gaussian();
  for (let c = 0; c < CODED_BITS; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let r = 0; r < dims; r++) dot += q[r * CODED_BITS + c]! * q[r * CODED_BITS + p]!;
      for (let r = 0; r < dims; r++) q[r * CODED_BITS + c]! -= dot * q[r * CODED_BITS + p]!;
    }
    let norm = 0;
    for (let r = 0; r < dims; r++) norm += q[r * CODED_BITS + c]! ** 2;
    norm = Math.sqrt(norm);
    for (let r = 0; r < dims; r++) q[r * CODED_BITS + c]! /= norm;
  }
  return q;
}

export function codebook(): Codebook {
  if (cached) return cached;
  const bins: Bin[] = [];
  const half = (TILE - 1) / 2;
  for (let fv = 0; fv <= half; fv++) {
    for (let fu = -half; fu <= half; fu++) {
      if (fv === 0 && fu <= 0) continue; // half plane, no DC
      const r = Math.hypot(fu, fv) / TILE;
      if (r >= BAND_LO && r <= BAND_HI) bins.push({ fu, fv });
    }
  }
  const rng = new Prng(KEY);
  // shuffle bins, take the first share as pilot
  for (let i = bins.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = bins[i]!;
    bins[i] = bins[j]!;
    bins[j] = t;
  }
  const nPilot = Math.round(bins.length * PILOT_BIN_SHARE);
  const pilotBins = bins.slice(0, nPilot);
  const payloadBins = bins.slice(nPilot);
  const pilotRe = new Float64Array(nPilot);
  const pilotIm = new Float64Array(nPilot);
  for (let i = 0; i < nPilot; i++) {
    const ph = 2 * Math.PI * rng.next();
    pilotRe[i] = Math.cos(ph);
    pilotIm[i] = Math.sin(ph);
  }
  const dims = 2 * payloadBins.length;
  if (dims < CODED_BITS) throw new Error("watermark band too small for the code");
  const q = spreadingMatrix(rng, dims);
  const cosT = new Float64Array(TILE);
  const sinT = new Float64Array(TILE);
  for (let k = 0; k < TILE; k++) {
    cosT[k] = Math.cos((2 * Math.PI * k) / TILE);
    sinT[k] = Math.sin((2 * Math.PI * k) / TILE);
  }
  cached = { pilotBins, pilotRe, pilotIm, payloadBins, q, dims, cosT, sinT };
  return cached;
}

const mod = (a: number, m: number) => ((a % m) + m) % m;

/**
 * Renders the tile for coded bits (0/1): a TILE×TILE Float32Array with unit RMS.
 * Tile value at (x, y) = Σ_bins 2·Re(c_b · e^{+2πi(fu·x + fv·y)/TILE}).
 */
export function renderTile(coded: Uint8Array): Float32Array {
  return renderTileSymbols(codedSymbols(coded));
}

/** Coded bits (0/1) → channel symbols ±1 (bit 0 → +1). */
export function codedSymbols(coded: Uint8Array): Float64Array {
  return Float64Array.from(coded, (b) => (b ? -1 : 1));
}

/**
 * Renders the tile for real-valued channel symbols (±1 for a plain mark; informed embedding moves
 * them off ±1): the payload coefficients are Q · s scaled to ‖·‖² = CODED_BITS, so the pilot keeps its
 * PILOT_ENERGY share whatever the symbols.
 */
export function renderTileSymbols(symbols: Float64Array): Float32Array {
  const cb = codebook();
  const { payloadBins, pilotBins, q, dims } = cb;
  let e2 = 0;
  for (const v of symbols) e2 += v * v;
  const norm = Math.sqrt(CODED_BITS / Math.max(e2, 1e-12));
  // payload coefficients a = Q · s
  const a = new Float64Array(dims);
  for (let r = 0; r < dims; r++) {
    let acc = 0;
    const row = r * CODED_BITS;
    for (let c = 0; c < CODED_BITS; c++) acc += q[row + c]! * symbols[c]!;
    a[r] = acc * norm;
  }
  // ||a||² = CODED_BITS. Pilot bins get PILOT_ENERGY of the total.
  const payloadEnergy = CODED_BITS;
  const pilotEnergy = (payloadEnergy * PILOT_ENERGY) / (1 - PILOT_ENERGY);
  const pilotAmp = Math.sqrt(pilotEnergy / pilotBins.length);
  const re: number[] = [];
  const im: number[] = [];
  const fus: number[] = [];
  const fvs: number[] = [];
  payloadBins.forEach((b, i) => {
    re.push(a[2 * i]!);
    im.push(a[2 * i + 1]!);
    fus.push(b.fu);
    fvs.push(b.fv);
  });
  pilotBins.forEach((b, i) => {
    re.push(cb.pilotRe[i]! * pilotAmp);
    im.push(cb.pilotIm[i]! * pilotAmp);
    fus.push(b.fu);
    fvs.push(b.fv);
  });
  // basis: coefficient (re, im) of bin → re·cos θ − im·sin θ, scaled so basis functions are orthonormal
  const tile = new Float64Array(TILE * TILE);
  const { cosT, sinT } = cb;
  for (let k = 0; k < re.length; k++) {
    const cr = re[k]!;
    const ci = im[k]!;
    const fu = fus[k]!;
    const fv = fvs[k]!;
    // the phase (fu·x + fv·y) mod TILE stepped incrementally: the same table entries in the same
    // order as the two modulo operations per pixel it replaces (bit-identical tile, ~10× faster)
    const du = mod(fu, TILE);
    const dv = mod(fv, TILE);
    for (let y = 0, py = 0; y < TILE; y++) {
      const row = y * TILE;
      for (let x = 0, ph = py; x < TILE; x++) {
        tile[row + x]! += cr * cosT[ph]! - ci * sinT[ph]!;
        ph += du;
        if (ph >= TILE) ph -= TILE;
      }
      py += dv;
      if (py >= TILE) py -= TILE;
    }
  }
  let e = 0;
  for (const v of tile) e += v * v;
  const scale = 1 / Math.sqrt(e / tile.length);
  const out = new Float32Array(TILE * TILE);
  for (let i = 0; i < tile.length; i++) out[i] = tile[i]! * scale;
  return out;
}
