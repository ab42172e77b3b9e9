/**
 * The low-frequency second carrier's codebook and tile (v9; embedding in low.ts, reading in
 * lowread.ts): a periodic tile of LOW_FACTOR × TILE pixels carrying the same 188 coded bits under
 * its own key.
 *
 * It is the primary tile's design at LOW_FACTOR× the scale: on a luma plane box-downsampled by
 * LOW_FACTOR it is a TILE-periodic pattern on the band 0.03–0.17 cycles per downsampled pixel
 * (0.01–0.057 cycles per image pixel), so the detector's own fold and whitening read it there. Its
 * bins leave out every (fu, fv) with both indices multiples of LOW_FACTOR: those are the primary
 * tile's frequencies (and their aliases after the downsampling), so the two carriers are orthogonal
 * over a LOW_FACTOR·TILE period and the primary's fold averages the low carrier away.
 */
import { CODED_BITS } from "./ecc.ts";
import { Prng } from "./prng.ts";
import { spreadingMatrix, TILE } from "./pattern.ts";

export const LOW_FACTOR = 3;
export const LOW_TILE = LOW_FACTOR * TILE;
const LOW_KEY = 0x4c_6f_77_31; // "Low1"

export interface LowBin {
  fu: number;
  fv: number;
}

export interface LowCodebook {
  pilotBins: LowBin[];
  pilotRe: Float64Array;
  pilotIm: Float64Array;
  payloadBins: LowBin[];
  q: Float64Array;
  dims: number;
}

const books = new Map<string, LowCodebook>();

/** The low carrier's bins and spreading matrix for a band (downsampled-plane cycles/px) and pilot share. */
export function lowCodebook(lo = 0.03, hi = 0.17, pilotShare = 0.3): LowCodebook {
  const key = `${lo}:${hi}:${pilotShare}`;
  const hit = books.get(key);
  if (hit) return hit;
  const half = (TILE - 1) / 2;
  const bins: LowBin[] = [];
  for (let fv = 0; fv <= half; fv++) {
    for (let fu = -half; fu <= half; fu++) {
      if (fv === 0 && fu <= 0) continue;
      if (fu % LOW_FACTOR === 0 && fv % LOW_FACTOR === 0) continue; // the primary's frequencies
      const r = Math.hypot(fu, fv) / TILE;
      if (r >= lo && r <= hi) bins.push({ fu, fv });
    }
  }
  const rng = new Prng(LOW_KEY);
  for (let i = bins.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [bins[i], bins[j]] = [bins[j]!, bins[i]!];
  }
  const nPilot = Math.round(bins.length * pilotShare);
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
  if (dims < CODED_BITS)
    throw new RangeError(
      `low band ${lo}–${hi} holds ${dims} payload dimensions, the code needs ${CODED_BITS}`,
    );
  const q = spreadingMatrix(rng, dims);
  const book = { pilotBins, pilotRe, pilotIm, payloadBins, q, dims };
  books.set(key, book);
  return book;
}

/** The low tile (LOW_TILE² pixels, unit RMS) for channel symbols, pilot at `pilotEnergy` of its energy. */
export function renderLowTile(cb: LowCodebook, symbols: Float64Array, pilotEnergy = 0.3): Float32Array {
  const { payloadBins, pilotBins, q } = cb;
  let e2 = 0;
  for (const v of symbols) e2 += v * v;
  const norm = Math.sqrt(CODED_BITS / Math.max(e2, 1e-12));
  const coefs: { fu: number; fv: number; re: number; im: number }[] = [];
  for (let i = 0; i < payloadBins.length; i++) {
    let re = 0;
    let im = 0;
    for (let c = 0; c < CODED_BITS; c++) {
      re += q[2 * i * CODED_BITS + c]! * symbols[c]!;
      im += q[(2 * i + 1) * CODED_BITS + c]! * symbols[c]!;
    }
    coefs.push({ ...payloadBins[i]!, re: re * norm, im: im * norm });
  }
  const pilotAmp = Math.sqrt((CODED_BITS * pilotEnergy) / (1 - pilotEnergy) / pilotBins.length);
  pilotBins.forEach((b, i) =>
    coefs.push({ ...b, re: cb.pilotRe[i]! * pilotAmp, im: cb.pilotIm[i]! * pilotAmp }),
  );
  const n = LOW_TILE;
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = Math.sin((2 * Math.PI * k) / n);
  }
  // separably: per vertical frequency, the row Σ c·e^{2πi·fu·x/n} over its bins, then each row
  // pattern times e^{2πi·fv·y/n} (≈ 15× fewer operations than one pass per bin)
  const fvs = [...new Set(coefs.map((c) => c.fv))];
  const rowRe = new Float64Array(fvs.length * n);
  const rowIm = new Float64Array(fvs.length * n);
  for (const { fu, fv, re, im } of coefs) {
    const row = fvs.indexOf(fv) * n;
    const du = ((fu % n) + n) % n;
    for (let x = 0, ph = 0; x < n; x++) {
      rowRe[row + x]! += re * cos[ph]! - im * sin[ph]!;
      rowIm[row + x]! += re * sin[ph]! + im * cos[ph]!;
      ph += du;
      if (ph >= n) ph -= n;
    }
  }
  const tile = new Float64Array(n * n);
  fvs.forEach((fv, k) => {
    const dv = ((fv % n) + n) % n;
    const row = k * n;
    for (let y = 0, py = 0; y < n; y++) {
      const c = cos[py]!;
      const sn = sin[py]!;
      for (let x = 0; x < n; x++) tile[y * n + x]! += rowRe[row + x]! * c - rowIm[row + x]! * sn;
      py += dv;
      if (py >= n) py -= n;
    }
  });
  let e = 0;
  for (const v of tile) e += v * v;
  const s = 1 / Math.sqrt(e / tile.length);
  return Float32Array.from(tile, (v) => v * s);
}

/** The default low codebook (band 0.03–0.17 cycles per downsampled pixel, 30% pilot bins). */
export const defaultLowBook = (): LowCodebook => lowCodebook();
