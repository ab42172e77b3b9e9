import { CODED_BITS, checkMessage, convEncode, MESSAGE_BITS, viterbi } from "./ecc.ts";
import { fft, nextPow2 } from "./fft.ts";
import { boxMean, luma, validateImage, type RawImage } from "./image.ts";
import { CANONICAL_SIDE, codebook, TILE, type Bin } from "./pattern.ts";
import { composeMap, estimateTileMaps, SQUARE_SYMMETRIES, type TileMap } from "./sync.ts";
import { equalisedSoft } from "./equalise.ts";

export interface Detection {
  /** 64-bit payload (format version ‖ watermark id) */
  payload: bigint;
  /** normalised correlation of the soft channel values with the decoded codeword, 0..1 */
  confidence: number;
  /** coded bits (of 188) whose hard decision disagrees with the decoded codeword */
  bitErrors: number;
}

export interface DetectDiagnostics {
  hypotheses: { map: TileMap; z: number; sx: number; sy: number }[];
  /** milliseconds per stage: whiten, period (1-D), lattice (2-D), fold+pilot, decode */
  stages?: Record<string, number>;
  decodes: number;
  /** the 64 payload bits the first decode attempt produced, whether or not its CRC matched */
  rawPayload?: bigint;
}

/** Period search range in pixels (nominal 63: scales ≈ 0.3× .. 2.2×). */
const P_MIN = 19;
const P_MAX = 140;
const HP_RADIUS = 2;
/**
 * On flat images (generated art: nearly every pixel's local contrast is below CONTRAST_OFFSET)
 * the high-pass widens to 9×9: it passes the band's lower frequencies, which are what JPEG q30,
 * WebP and downscaling leave of a mark, while such images have little low-frequency texture to
 * leak in. On photos the 5×5 high-pass keeps their texture out.
 */
const HP_RADIUS_FLAT = 4;
const FLAT_FRACTION = 0.92;
const CONTRAST_RADIUS = 3;
const CONTRAST_OFFSET = 1.5;
const CLIP = 4;
/**
 * At most this many Viterbi+CRC attempts per image: the false-positive bound is MAX_DECODES · 2^-24
 * = 7.2e-7. Each candidate gets two (plain and equalised despreading), so up to 6 candidates.
 */
export const MAX_DECODES = 12;
const MIN_CONFIDENCE = 0.05;
/** Lattice hypotheses from the autocorrelation that the pilot screens (each: one fold, 8 orientations). */
const LATTICE_MAPS = 4;
/** A pilot peak this far above the correlation noise (z) is decoded before the costlier stages run. */
const EARLY_Z = 6;

/**
 * Where a found mark's tile sits in the image: pixel (x, y) carries tile bin
 * (a·(x−o) + b·(y−o) + sx, c·(x−o) + d·(y−o) + sy) of `map`.
 */
export interface Alignment {
  map: TileMap;
  sx: number;
  sy: number;
  o: number;
}

/** Detects the watermark; returns null unless a payload with a valid CRC is found. */
export function detect(image: RawImage, diagnostics?: DetectDiagnostics): Detection | null {
  return detectAligned(image, diagnostics)?.detection ?? null;
}

/** detect() plus the alignment of the mark that was found (used to replace an existing mark). */
export function detectAligned(
  image: RawImage,
  diagnostics?: DetectDiagnostics,
): { detection: Detection; alignment: Alignment } | null {
  validateImage(image);
  let { width, height } = image;
  let y = luma(image);
  // bring very large images back near the canonical grid (integer box downsampling)
  const f = Math.round(Math.max(width, height) / CANONICAL_SIDE);
  if (f >= 2) {
    const r = downsample(y, width, height, f);
    y = r.data;
    width = r.width;
    height = r.height;
  }
  const stages: Record<string, number> = {};
  let t0 = performance.now();
  const lap = (name: string) => {
    const t = performance.now();
    stages[name] = (stages[name] ?? 0) + t - t0;
    t0 = t;
  };
  const w = whiten(y, width, height);
  lap("whiten");

  // Hypotheses for the map pixel → tile bin, cheapest first: the nominal grid, per-axis periods
  // (rescale, small aspect changes), then the 2-D autocorrelation lattice (rotation, aspect, shear).
  // Each is folded once and tried in the square's 8 orientations (90° turns, mirror images). After
  // each stage, candidates with a clear pilot peak are decoded at once, so an image whose geometry
  // is untouched never pays for the lattice search; every decode counts against MAX_DECODES.
  const cands: Candidate[] = [];
  const tried = new Set<Candidate>();
  let decodes = 0;
  const addMap = (m: TileMap) => {
    const base = bandCoefficients(fold(w, width, height, m));
    for (let gi = 0; gi < SQUARE_SYMMETRIES.length; gi++) {
      const coef = transformCoefficients(base, gi);
      for (const pk of pilotPeaks(coef, 2))
        cands.push({ ...pk, map: composeMap(m, SQUARE_SYMMETRIES[gi]!), coef });
    }
  };
  const tryDecode = (minZ: number, budget: number): { detection: Detection; c: Candidate } | null => {
    cands.sort((a, b) => b.z - a.z);
    let used = 0;
    for (const c of cands) {
      if (decodes >= MAX_DECODES || used >= budget || c.z < minZ) break;
      if (tried.has(c)) continue;
      tried.add(c);
      used++;
      // the plain despreading first, then (budget allowing) the equalised one
      for (const equalised of [false, true]) {
        if (decodes >= MAX_DECODES) break;
        decodes++;
        const res = decodeAt(c.coef, c.sx, c.sy, equalised);
        if (diagnostics && diagnostics.rawPayload === undefined) diagnostics.rawPayload = res.raw;
        if (res.detection) return { detection: res.detection, c };
      }
    }
    return null;
  };
  const finish = (hit: { detection: Detection; c: Candidate } | null) => {
    lap("decode");
    if (diagnostics) {
      cands.sort((a, b) => b.z - a.z);
      diagnostics.hypotheses = cands.slice(0, 16).map(({ map, z, sx, sy }) => ({ map, z, sx, sy }));
      diagnostics.decodes = decodes;
      diagnostics.stages = stages;
    }
    if (!hit) return null;
    const k = f >= 2 ? f : 1;
    const { map: m, sx, sy } = hit.c;
    return {
      detection: hit.detection,
      alignment: { map: { a: m.a / k, b: m.b / k, c: m.c / k, d: m.d / k }, sx, sy, o: (k - 1) / 2 },
    };
  };
  if (diagnostics) delete diagnostics.rawPayload;

  const maps: TileMap[] = [diagonal(TILE, TILE)];
  addMap(maps[0]!);
  lap("pilot");
  let hit = tryDecode(EARLY_Z, 2);
  if (hit) return finish(hit);
  for (const [px, py] of estimatePeriods(w, width, height)) {
    const m = diagonal(px, py);
    if (maps.some((o) => mapDistance(o, m) < 0.005)) continue;
    maps.push(m);
    lap("period");
    addMap(m);
    lap("pilot");
  }
  lap("period");
  hit = tryDecode(EARLY_Z, 2);
  if (hit) return finish(hit);
  for (const m of estimateTileMaps(w, width, height, LATTICE_MAPS)) {
    if (maps.some((o) => mapDistance(o, m) < 0.01)) continue;
    maps.push(m);
    lap("lattice");
    addMap(m);
    lap("pilot");
  }
  lap("lattice");
  return finish(tryDecode(-Infinity, MAX_DECODES));
}

/** Where the embedder's self-check reads: the image as marked, or after a known uniform rescale. */
export type ReadBackGeometry = "upright" | "rescaled";
/** An upright read's last-chance decode needs a pilot peak clear of the ≈ 3.7σ noise maximum. */
const READBACK_MIN_Z = 4.5;

/**
 * The detector's own stages for an image whose orientation is known (the embedder's self-check):
 * "upright": the nominal grid, then — as detect() does next — the per-axis period estimates;
 * "rescaled": the period estimates only (the nominal grid cannot fit a rescaled mark). Only the
 * identity of the square's 8 symmetries is tried and the lattice search is skipped, so a read costs
 * one pilot correlation per fold instead of eight; the decode rules (EARLY_Z, MAX_DECODES, the CRC
 * and the confidence floor) are detect()'s, and the last-chance decode is stricter (z ≥ 4.5)
 * because the blind detector has more candidates competing for its decode budget.
 */
export function readBack(image: RawImage, geometry: ReadBackGeometry): Detection | null {
  validateImage(image);
  let { width, height } = image;
  let y = luma(image);
  const f = Math.round(Math.max(width, height) / CANONICAL_SIDE);
  if (f >= 2) {
    const r = downsample(y, width, height, f);
    y = r.data;
    width = r.width;
    height = r.height;
  }
  const w = whiten(y, width, height);
  const cands: { z: number; sx: number; sy: number; coef: Float64Array }[] = [];
  const tried = new Set<(typeof cands)[number]>();
  let decodes = 0;
  const addMap = (m: TileMap) => {
    const coef = bandCoefficients(fold(w, width, height, m));
    for (const pk of pilotPeaks(coef, 2)) cands.push({ ...pk, coef });
  };
  const tryDecode = (minZ: number, budget: number): Detection | null => {
    cands.sort((a, b) => b.z - a.z);
    let used = 0;
    for (const c of cands) {
      if (decodes >= MAX_DECODES || used >= budget || c.z < minZ) break;
      if (tried.has(c)) continue;
      tried.add(c);
      used++;
      for (const equalised of [false, true]) {
        if (decodes >= MAX_DECODES) break;
        decodes++;
        const res = decodeAt(c.coef, c.sx, c.sy, equalised).detection;
        if (res) return res;
      }
    }
    return null;
  };
  const maps: TileMap[] = [];
  if (geometry === "upright") {
    maps.push(diagonal(TILE, TILE));
    addMap(maps[0]!);
    const hit = tryDecode(EARLY_Z, 2);
    if (hit) return hit;
  }
  for (const [px, py] of estimatePeriods(w, width, height)) {
    const m = diagonal(px, py);
    if (maps.some((o) => mapDistance(o, m) < 0.005)) continue;
    maps.push(m);
    addMap(m);
  }
  return tryDecode(EARLY_Z, 2) ?? tryDecode(READBACK_MIN_Z, MAX_DECODES);
}

interface Candidate {
  z: number;
  map: TileMap;
  sx: number;
  sy: number;
  coef: Float64Array;
}

function diagonal(px: number, py: number): TileMap {
  return { a: TILE / px, b: 0, c: 0, d: TILE / py };
}

function mapDistance(p: TileMap, q: TileMap): number {
  return Math.abs(p.a - q.a) + Math.abs(p.b - q.b) + Math.abs(p.c - q.c) + Math.abs(p.d - q.d);
}

function downsample(src: Float32Array, width: number, height: number, f: number) {
  const w2 = Math.floor(width / f);
  const h2 = Math.floor(height / f);
  const out = new Float32Array(w2 * h2);
  const inv = 1 / (f * f);
  for (let y = 0; y < h2; y++) {
    for (let x = 0; x < w2; x++) {
      let s = 0;
      for (let j = 0; j < f; j++) {
        const row = (y * f + j) * width + x * f;
        for (let i = 0; i < f; i++) s += src[row + i]!;
      }
      out[y * w2 + x] = s * inv;
    }
  }
  return { data: out, width: w2, height: h2 };
}

/**
 * High-pass (luma minus local mean) then divide by local contrast; clipped. The high-pass is 5×5,
 * or 9×9 where at least FLAT_FRACTION of the pixels are flat (local contrast < CONTRAST_OFFSET).
 */
export function whiten(y: Float32Array, width: number, height: number): Float32Array {
  const n = width * height;
  const tmp = new Float32Array(n);
  const m = new Float32Array(n);
  const hp = new Float32Array(n);
  const e = new Float32Array(n);
  const highPass = (r: number) => {
    boxMean(y, width, height, r, m, tmp);
    for (let i = 0; i < n; i++) {
      const v = y[i]! - m[i]!;
      hp[i] = v;
      m[i] = v * v;
    }
    boxMean(m, width, height, CONTRAST_RADIUS, e, tmp);
  };
  highPass(HP_RADIUS);
  let flat = 0;
  const flatE = CONTRAST_OFFSET * CONTRAST_OFFSET;
  for (let i = 0; i < n; i++) if (e[i]! < flatE) flat++;
  if (flat >= FLAT_FRACTION * n) highPass(HP_RADIUS_FLAT);
  for (let i = 0; i < n; i++) {
    const ei = e[i]!; // running sums can leave a tiny negative where the window is flat
    let v = hp[i]! / (Math.sqrt(ei > 0 ? ei : 0) + CONTRAST_OFFSET);
    v = v > CLIP ? CLIP : v < -CLIP ? -CLIP : v;
    hp[i] = v;
  }
  return hp;
}

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

/** Joint x/y period estimate (uniform scale assumed for the search, axes refined separately). */
function estimatePeriods(w: Float32Array, width: number, height: number): [number, number][] {
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
  const out: [number, number][] = [];
  for (const cand of p === pBest ? [p] : [p, pBest]) {
    out.push([rx ? refinePeriod(rx, cand) : cand, ry ? refinePeriod(ry, cand) : cand]);
  }
  return out;
}

/** Folds the image onto one TILE×TILE tile: pixel (x, y) goes to bin round(map · (x, y)) mod TILE. */
function fold(w: Float32Array, width: number, height: number, m: TileMap): Float64Array {
  const sum = new Float64Array(TILE * TILE);
  const cnt = new Float64Array(TILE * TILE);
  // offset keeps the coordinates positive so that truncation is a floor
  const off =
    TILE *
      Math.ceil(
        (Math.abs(m.a) * width + Math.abs(m.b) * height + Math.abs(m.c) * width + Math.abs(m.d) * height) /
          TILE +
          2,
      ) +
    0.5;
  for (let y = 0; y < height; y++) {
    let u = m.b * y + off;
    let v = m.d * y + off;
    const src = y * width;
    for (let x = 0; x < width; x++) {
      const t = ((v | 0) % TILE) * TILE + ((u | 0) % TILE);
      sum[t]! += w[src + x]!;
      cnt[t]! += 1;
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

/** DFT of the folded tile on all band bins: [pilot bins..., payload bins...] as interleaved re, im. */
function bandCoefficients(tile: Float64Array): Float64Array {
  const cb = codebook();
  const bins: Bin[] = [...cb.pilotBins, ...cb.payloadBins];
  const { cosT, sinT } = cb;
  // row DFTs for every horizontal frequency that occurs
  const fuMax = bins.reduce((m, b) => Math.max(m, Math.abs(b.fu)), 0);
  const nfu = 2 * fuMax + 1;
  const rowRe = new Float64Array(TILE * nfu);
  const rowIm = new Float64Array(TILE * nfu);
  for (let y = 0; y < TILE; y++) {
    const base = y * TILE;
    for (let fu = -fuMax; fu <= fuMax; fu++) {
      let sr = 0;
      let si = 0;
      let ph = 0;
      const step = ((fu % TILE) + TILE) % TILE;
      for (let x = 0; x < TILE; x++) {
        const v = tile[base + x]!;
        sr += v * cosT[ph]!;
        si -= v * sinT[ph]!;
        ph += step;
        if (ph >= TILE) ph -= TILE;
      }
      rowRe[y * nfu + fu + fuMax] = sr;
      rowIm[y * nfu + fu + fuMax] = si;
    }
  }
  const out = new Float64Array(2 * bins.length);
  bins.forEach((b, i) => {
    let sr = 0;
    let si = 0;
    let ph = 0;
    const col = b.fu + fuMax;
    for (let y = 0; y < TILE; y++) {
      const ar = rowRe[y * nfu + col]!;
      const ai = rowIm[y * nfu + col]!;
      const c = cosT[ph]!;
      const s = sinT[ph]!;
      // multiply by e^{-iθ}
      sr += ar * c + ai * s;
      si += ai * c - ar * s;
      ph += b.fv;
      if (ph >= TILE) ph -= TILE;
    }
    out[2 * i] = sr;
    out[2 * i + 1] = si;
  });
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
function transformCoefficients(coef: Float64Array, gi: number): Float64Array {
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
function pilotPeaks(coef: Float64Array, count: number): { z: number; sx: number; sy: number }[] {
  const cb = codebook();
  const nP = cb.pilotBins.length;
  const { cosT, sinT } = cb;
  // X_b = T̂_b · conj(P_b)
  const xr = new Float64Array(nP);
  const xi = new Float64Array(nP);
  for (let b = 0; b < nP; b++) {
    const tr = coef[2 * b]!;
    const ti = coef[2 * b + 1]!;
    const pr = cb.pilotRe[b]!;
    const pi = cb.pilotIm[b]!;
    xr[b] = tr * pr + ti * pi;
    xi[b] = ti * pr - tr * pi;
  }
  // C(sx, sy) = Σ_b Re(X_b e^{-2πi(fu·sx + fv·sy)/TILE}), separably: first Σ over the bins of each fv
  const fvs = pilotRows();
  const nv = fvs.length;
  const ar = new Float64Array(nv * TILE);
  const ai = new Float64Array(nv * TILE);
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
  const c = new Float64Array(TILE * TILE);
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
  for (const v of c) mean += v;
  mean /= c.length;
  let varr = 0;
  for (const v of c) varr += (v - mean) ** 2;
  const sd = Math.sqrt(varr / c.length) || 1;
  const out: { z: number; sx: number; sy: number }[] = [];
  const taken: number[] = [];
  for (let k = 0; k < count; k++) {
    let bi = -1;
    let bv = -Infinity;
    for (let i = 0; i < c.length; i++) {
      if (c[i]! > bv && !taken.some((t) => cyclicDist(t, i) <= 2)) {
        bv = c[i]!;
        bi = i;
      }
    }
    if (bi < 0) break;
    taken.push(bi);
    const ix = bi % TILE;
    const iy = (bi - ix) / TILE;
    const at = (x: number, y: number) =>
      c[(((y % TILE) + TILE) % TILE) * TILE + (((x % TILE) + TILE) % TILE)]!;
    const ox = parabola(at(ix - 1, iy), bv, at(ix + 1, iy));
    const oy = parabola(at(ix, iy - 1), bv, at(ix, iy + 1));
    out.push({ z: (bv - mean) / sd, sx: ix + ox, sy: iy + oy });
  }
  return out;
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

/**
 * Undo the shift on the band bins, despread (plainly with Qᵀ, or equalised: see equalise.ts), soft
 * Viterbi, CRC.
 */
function decodeAt(
  coef: Float64Array,
  sx: number,
  sy: number,
  equalised = false,
): { detection: Detection | null; raw: bigint } {
  const cb = codebook();
  const nP = cb.pilotBins.length;
  const { payloadBins, q, dims } = cb;
  const a = new Float64Array(dims);
  const derotate = (b: Bin, k: number, out: Float64Array, o: number) => {
    const tr = coef[2 * k]!;
    const ti = coef[2 * k + 1]!;
    const th = (-2 * Math.PI * (b.fu * sx + b.fv * sy)) / TILE;
    const c = Math.cos(th);
    const s = Math.sin(th);
    out[o] = tr * c - ti * s;
    out[o + 1] = tr * s + ti * c;
  };
  payloadBins.forEach((b, i) => derotate(b, nP + i, a, 2 * i));
  let soft: Float64Array;
  if (equalised) {
    const pilot = new Float64Array(2 * nP);
    cb.pilotBins.forEach((b, i) => derotate(b, i, pilot, 2 * i));
    const eq = equalisedSoft(pilot, a);
    if (!eq) return { detection: null, raw: 0n };
    soft = eq;
  } else {
    soft = new Float64Array(CODED_BITS);
    for (let r = 0; r < dims; r++) {
      const v = a[r]!;
      const row = r * CODED_BITS;
      for (let c = 0; c < CODED_BITS; c++) soft[c]! += q[row + c]! * v;
    }
  }
  let norm = 0;
  for (const v of soft) norm += v * v;
  norm = Math.sqrt(norm);
  if (!(norm > 1e-9)) return { detection: null, raw: 0n };
  const bits = viterbi(soft, MESSAGE_BITS);
  let raw = 0n;
  for (let i = 0; i < 64; i++) raw = (raw << 1n) | BigInt(bits[i]!);
  const payload = checkMessage(bits);
  if (payload === null) return { detection: null, raw };
  const coded = convEncode(bits);
  let corr = 0;
  let errors = 0;
  for (let i = 0; i < CODED_BITS; i++) {
    const sym = coded[i] ? -1 : 1;
    corr += sym * soft[i]!;
    if (sym * soft[i]! < 0) errors++;
  }
  const confidence = corr / (norm * Math.sqrt(CODED_BITS));
  if (confidence < MIN_CONFIDENCE) return { detection: null, raw };
  return { detection: { payload, confidence: Math.min(1, confidence), bitErrors: errors }, raw };
}
