import { validateImage, type RawImage } from "./image.ts";
import { TILE } from "./pattern.ts";
import { estimateTileMaps } from "./lattice.ts";
import { composeMap, SQUARE_SYMMETRIES, type TileMap } from "./sync.ts";
import { decodeAt, decodeSoft, softAt, type Detection } from "./decode.ts";
import { LOW_FACTOR } from "./lowbook.ts";
import { lowReader, MAX_LOW_DECODES } from "./lowread.ts";
import { bandCoefficients, fold, pilotPeaks, transformCoefficients } from "./fold.ts";
import { estimatePeriods } from "./periods.ts";
import { refineMap, refineTarget } from "./refine.ts";
import { nearIdentityMaps, searchMaps } from "./search.ts";
import { detectorPlane, type DetectorPlane } from "./whiten.ts";

export type { Detection } from "./decode.ts";

export interface DetectDiagnostics {
  hypotheses: { map: TileMap; z: number; sx: number; sy: number }[];
  /** milliseconds per stage: whiten, period (1-D), lattice (2-D), fold+pilot, decode */
  stages?: Record<string, number>;
  decodes: number;
  /** CRC tests spent by the list decoder beyond the plain decodes */
  listTests?: number;
  /** (v9) combined primary + low-carrier decodes (each one CRC test, at most MAX_LOW_DECODES) */
  lowDecodes?: number;
  /**
   * the candidate that decoded: the stage that proposed its map (nominal, period, lattice, refine,
   * search), its pilot z, and whether the list decoder found it
   */
  found?: { stage: string; z: number; list?: boolean; low?: boolean };
  /** the 64 payload bits the first decode attempt produced, whether or not its CRC matched */
  rawPayload?: bigint;
}

/**
 * At most this many Viterbi+CRC attempts per image (one CRC test each). Each candidate gets two
 * (plain and equalised despreading), so up to 6 candidates.
 */
export const MAX_DECODES = 12;
/**
 * CRC-aided list decoding: a candidate whose pilot peak stands at z ≥ LIST_MIN_Z and whose plain
 * Viterbi paths failed the CRC has the LIST_SIZE most likely messages of each despreading tried
 * (listViterbi). On the quick 22 the failing reads closest to decodable (crop0.25 on misty-pine
 * and high-pass: soft SNR ≈ 1) held the true message at ranks 2–5 of the list; the other failures
 * sat at soft SNR 0.0–0.85, below the capacity of a rate-0.47 code, where no list reaches them.
 */
export const LIST_SIZE = 8;
export const LIST_MIN_Z = 6;
/** CRC tests the list decoder may spend per image beyond the plain decodes (4 candidates × 2 × 7). */
export const MAX_LIST_TESTS = 56;
/**
 * Pilot correlation surfaces (63² shifts each) one detect() computes at most: nominal 8, periods
 * 4 × 8, lattice 4 × 8, small rotations 4 × 8 (v9), three refined seeds and two swept maps at ≤ 66
 * surfaces per climb (2 per step size and pass × 4 entries × 2 signs, 2 step sizes, coarse and
 * fine, plus the start), 10 rotation/aspect and 6 scale maps × 8 orientations screened, the 5
 * refined maps' folds, and the full-resolution re-ranking of each 2×-plane (map, orientation) at
 * most once, 12 × 8: 663 (v8 counted ≈ 540 against 640 without the re-ranking; ≤ 152 counted on
 * unmarked photos before the scale maps).
 */
export const MAX_PILOT_SURFACES = 680;
/** One-sided Gaussian tail Q(z), asymptotic series (within 1% for z ≥ 4; it over-states Q there). */
function gaussTail(z: number): number {
  const z2 = z * z;
  return (Math.exp(-z2 / 2) / (z * Math.sqrt(2 * Math.PI))) * (1 - 1 / z2 + 3 / (z2 * z2));
}
/**
 * The analytic false-positive bound per image, on an unmarked image whose detector plane the
 * whitening leaves near white noise: every CRC test of a message the image does not carry passes
 * with probability 2⁻²⁴, so the plain decodes add MAX_DECODES · 2⁻²⁴ (7.15e-7). The list tests run
 * only where a pilot peak reaches LIST_MIN_Z; the pilot bins and the payload bins are disjoint DFT
 * bins of the fold, independent under that null, so they add P(some peak ≥ LIST_MIN_Z) ·
 * MAX_LIST_TESTS · 2⁻²⁴ with the union bound P ≤ MAX_PILOT_SURFACES · 63² · Q(LIST_MIN_Z) (2.7e-3):
 * 8.9e-9. Model-free (no independence, no Gaussian pilot null) the bound is
 * (MAX_DECODES + MAX_LIST_TESTS) · 2⁻²⁴ = 4.1e-6.
 */
export const FALSE_POSITIVE_BOUND =
  (MAX_DECODES +
    MAX_LOW_DECODES +
    Math.min(1, MAX_PILOT_SURFACES * TILE * TILE * gaussTail(LIST_MIN_Z)) * MAX_LIST_TESTS) *
  2 ** -24;
/**
 * Further per-axis period hypotheses (the next comb peaks) the blind detector screens: a texture's
 * own period can outscore the mark's after a rescale (combo on opencv--graf1: 118 px chosen over
 * 47.25); on the 2× plane each costs a quarter fold and 8 pilot correlations.
 */
const EXTRA_PERIODS = 2;
/**
 * Planes whose short side is at least this run the lattice stage before the per-axis periods: from
 * here on both axes' line FFTs are 2048 long (length + 0.7 × length of lag > 1024), so the periods
 * cost about as much as at 1024² (≈ 20 CPU-ms), while the lattice's cost is flat (four 256² patches
 * of the 2× plane). Below it (a 0.5× rescale of 1024², 512²) the periods are the cheaper first try.
 */
const LATTICE_FIRST_SIDE = 600;
/** Lattice hypotheses from the autocorrelation that the pilot screens (each: one fold, 8 orientations). */
const LATTICE_MAPS = 4;
/** A pilot peak this far above the correlation noise (z) is decoded before the costlier stages run. */
const EARLY_Z = 6;
/**
 * The fine search and the sweep screen hundreds of maps, so their best noise peaks stand higher
 * than one fold's (≈ 5 against ≈ 4.5); below this z their candidates are not decoded, so that they
 * do not take the decode budget from a weak mark the nominal grid found (JPEG q30, WebP q50).
 */
const SEARCHED_MIN_Z = 5.5;
/**
 * The last decode round (after every search) takes only candidates at least this far above the
 * correlation noise: an unmarked image's best pilot peaks stand at z ≈ 4–5, and no mark was decoded
 * below z 6.25 in the 694 successful of 792 attacked reads (22 hard images × 36 attacks after
 * embedVerified, diagnostics.found); before, this
 * round decoded the 6 best candidates at any z, which is what an unmarked image paid 12 decodes for.
 */
const FINAL_MIN_Z = 5;
/** Best distinct maps refined by the pilot-scored fine search when no stage has decoded yet. */
const REFINED_MAPS = 3;
/** A map whose pilot z is at the noise maximum (≈ 4.5 over this many candidates) is not worth refining. */
const REFINE_MIN_Z = 4.8;

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

interface Hit {
  detection: Detection;
  c: Candidate;
  /** found by the list decoder (not the plain Viterbi path) */
  list?: boolean;
  /** found by combining the low carrier with the primary (low.ts) */
  low?: boolean;
}

interface Candidate {
  /** the stage that proposed the map (diagnostics) */
  stage: string;
  /** found by the fine search or the sweep: decoded only with a clear peak (SEARCHED_MIN_Z) */
  searched?: boolean;
  z: number;
  map: TileMap;
  sx: number;
  sy: number;
  /** band coefficients of the full-resolution fold in this orientation; null until resolved */
  coef: Float64Array | null;
  /** screened on the 2× plane: the full-resolution fold of `base` in orientation `gi` is made when decoded */
  lazy?: { base: TileMap; gi: number };
}

function prepare(image: RawImage): DetectorPlane {
  validateImage(image);
  return detectorPlane(image);
}

/**
 * The candidate pool of one read: candidates are added per folded map and decoded in pilot-z order,
 * each at most once, plain then equalised despreading, all attempts counted against MAX_DECODES
 * (the false-positive bound rests on that count).
 */
class CandidateDecoder {
  readonly cands: Candidate[] = [];
  private readonly tried = new Set<Candidate>();
  private readonly fullBase = new Map<TileMap, Float64Array>();
  decodes = 0;
  /** CRC tests spent by the list decoder (beyond the plain decodes), at most MAX_LIST_TESTS */
  listTests = 0;
  /** the 64 payload bits of the first attempt, CRC or not (diagnostics) */
  firstRaw: bigint | undefined;
  /** (v9) combined primary + low-carrier decodes, at most MAX_LOW_DECODES, and the maps already read */
  lowDecodes = 0;
  private readonly lowMaps = new Set<string>();

  /**
   * `fullFold(m)`: band coefficients of the full-resolution fold with map m (for lazy candidates);
   * `list`: whether clear candidates get the list decoder (detect() yes; the embedder's read-back
   * no, so that an embed is only called readable by the plain decoder's stricter rule).
   */
  constructor(
    private readonly fullFold: (m: TileMap) => Float64Array = () => new Float64Array(0),
    private readonly list = true,
    private readonly low?: ReturnType<typeof lowReader>,
  ) {}

  /** (v9) the candidate's primary soft values combined with the low carrier at its map (low.ts), decoded. */
  tryLow(c: Candidate): Hit | null {
    if (!this.low || !c.coef || this.lowDecodes >= MAX_LOW_DECODES) return null;
    const key = `${c.map.a},${c.map.b},${c.map.c},${c.map.d}`;
    if (this.lowMaps.has(key)) return null;
    this.lowMaps.add(key);
    const soft = this.low(c.map, softAt(c.coef, c.sx, c.sy, false)!);
    if (!soft) return null;
    this.lowDecodes++;
    const res = decodeSoft(soft);
    return res.detection ? { detection: res.detection, c, low: true } : null;
  }

  /** Decodes up to `budget` untried candidates with z ≥ minZ; the first CRC-valid one wins. */
  tryDecode(minZ: number, budget: number): Hit | null {
    let used = 0;
    for (;;) {
      if (this.decodes >= MAX_DECODES || used >= budget) return null;
      const c = this.best(minZ);
      if (!c) return null;
      if (!c.coef) {
        // its z was the 2× plane's: re-rank on the full-resolution fold before spending a decode
        this.resolve(c);
        continue;
      }
      this.tried.add(c);
      used++;
      const plainPaths: (bigint | undefined)[] = [];
      for (const equalised of [false, true]) {
        if (this.decodes >= MAX_DECODES) break;
        this.decodes++;
        const res = decodeAt(c.coef, c.sx, c.sy, equalised);
        this.firstRaw ??= res.raw;
        if (res.detection) return { detection: res.detection, c };
        plainPaths.push(res.path);
      }
      const low = this.tryLow(c);
      if (low) return low;
      // both plain paths failed their CRC at a clear pilot peak: the next most likely messages
      if (!this.list || c.z < LIST_MIN_Z) continue;
      for (const [i, equalised] of [false, true].entries()) {
        if (i >= plainPaths.length || this.listTests + LIST_SIZE - 1 > MAX_LIST_TESTS) break;
        const res = decodeAt(c.coef, c.sx, c.sy, equalised, LIST_SIZE, plainPaths[i]);
        this.listTests += res.crcTests;
        if (res.detection) return { detection: res.detection, c, list: true };
      }
    }
  }

  /** The untried candidate with the highest z ≥ minZ (searched ones only from SEARCHED_MIN_Z). */
  private best(minZ: number): Candidate | null {
    let best: Candidate | null = null;
    for (const c of this.cands) {
      if (c.z < minZ || (best && c.z <= best.z) || this.tried.has(c)) continue;
      if (c.searched && c.z < SEARCHED_MIN_Z) continue;
      best = c;
    }
    return best;
  }

  /** Full-resolution fold, pilot and shift for a lazy candidate and its sibling peak (same map, orientation). */
  resolve(c: Candidate): void {
    const { base, gi } = c.lazy!;
    let full = this.fullBase.get(base);
    if (!full) {
      full = this.fullFold(base);
      this.fullBase.set(base, full);
    }
    const coef = transformCoefficients(full, gi);
    const group = this.cands
      .filter((o) => o.lazy && o.lazy.base === base && o.lazy.gi === gi)
      .sort((a, b) => b.z - a.z);
    const peaks = pilotPeaks(coef, group.length);
    group.forEach((o, i) => {
      const pk = peaks[i];
      o.coef = coef;
      o.z = pk ? pk.z : -Infinity;
      o.sx = pk ? pk.sx : 0;
      o.sy = pk ? pk.sy : 0;
      delete o.lazy;
    });
  }
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
  const stages: Record<string, number> = {};
  let t0 = performance.now();
  const lap = (name: string) => {
    const t = performance.now();
    stages[name] = (stages[name] ?? 0) + t - t0;
    t0 = t;
  };
  const { w, width, height, f } = prepare(image);
  lap("whiten");

  // Hypotheses for the map pixel → tile bin, cheapest first: the nominal grid, per-axis periods
  // (rescale, small aspect changes), then the 2-D autocorrelation lattice (rotation, aspect, shear).
  // Each is folded once and tried in the square's 8 orientations (90° turns, mirror images). After
  // each stage, candidates with a clear pilot peak are decoded at once, so an image whose geometry
  // is untouched never pays for the lattice search; every decode counts against MAX_DECODES.
  const fullFold = (m: TileMap) => bandCoefficients(fold(w, width, height, m));
  const pool = new CandidateDecoder(fullFold, true, lowReader(image, f));
  const addMap = (m: TileMap, stage: string) => {
    const base = fullFold(m);
    for (let gi = 0; gi < SQUARE_SYMMETRIES.length; gi++) {
      const coef = transformCoefficients(base, gi);
      for (const pk of pilotPeaks(coef, 2))
        pool.cands.push({ ...pk, map: composeMap(m, SQUARE_SYMMETRIES[gi]!), coef, stage });
    }
  };
  // The period and lattice maps are screened on the 2× box-downsampled plane (a quarter of the
  // pixels; the pilot z there is within noise of the full fold's, the refine and sweep stages rank
  // on it too); only a candidate about to be decoded gets the full-resolution fold.
  let target: ReturnType<typeof refineTarget> | null = null;
  const plane = () => (target ??= refineTarget(w, width, height));
  const screenMap = (m: TileMap, stage: string) => {
    const t = plane();
    if (t.f === 1) return addMap(m, stage);
    const k = t.f;
    const base = bandCoefficients(
      fold(t.w, t.width, t.height, { a: m.a * k, b: m.b * k, c: m.c * k, d: m.d * k }),
    );
    for (let gi = 0; gi < SQUARE_SYMMETRIES.length; gi++) {
      const map = composeMap(m, SQUARE_SYMMETRIES[gi]!);
      for (const pk of pilotPeaks(transformCoefficients(base, gi), 2))
        pool.cands.push({ z: pk.z, sx: 0, sy: 0, map, coef: null, lazy: { base: m, gi }, stage });
    }
  };
  const finish = (hit: Hit | null) => {
    lap("decode");
    if (diagnostics) {
      pool.cands.sort((a, b) => b.z - a.z);
      diagnostics.hypotheses = pool.cands.slice(0, 16).map(({ map, z, sx, sy }) => ({ map, z, sx, sy }));
      diagnostics.decodes = pool.decodes;
      diagnostics.listTests = pool.listTests;
      diagnostics.lowDecodes = pool.lowDecodes;
      diagnostics.stages = stages;
      if (hit)
        diagnostics.found = {
          stage: hit.c.stage,
          z: hit.c.z,
          ...(hit.list ? { list: true } : {}),
          ...(hit.low ? { low: true } : {}),
        };
      else delete diagnostics.found;
      // no candidate reached a decode round: the raw bits of the best one, for the benchmark's bit
      // accuracy only (never reported as a detection, so outside the false-positive count)
      if (!hit && pool.firstRaw === undefined && pool.cands[0]) {
        const c = pool.cands[0];
        if (!c.coef) pool.resolve(c);
        pool.firstRaw = decodeAt(c.coef!, c.sx, c.sy, false).raw;
      }
      if (pool.firstRaw === undefined) delete diagnostics.rawPayload;
      else diagnostics.rawPayload = pool.firstRaw;
    }
    if (!hit) return null;
    const k = f;
    const { map: m, sx, sy } = hit.c;
    return {
      detection: hit.detection,
      alignment: { map: { a: m.a / k, b: m.b / k, c: m.c / k, d: m.d / k }, sx, sy, o: (k - 1) / 2 },
    };
  };

  const maps: TileMap[] = [diagonal(TILE, TILE)];
  addMap(maps[0]!, "nominal");
  lap("pilot");
  let hit = pool.tryDecode(EARLY_Z, 2);
  if (hit) return finish(hit);
  // (v8) on planes with a short side ≥ LATTICE_FIRST_SIDE the lattice runs before the per-axis
  // periods: it finds rotations and aspect changes, which the periods cannot fit, and most rescales
  // as well, so a rotated or squeezed image no longer pays the periods' ≈ 680 line FFTs first; on
  // smaller planes the periods stay first: they are cheap there (and on the embedder's reference
  // attack of a 512² image, 256², lattice-first made the verdict's blind read 2–4× as costly)
  const periodStage = (): Hit | null => {
    for (const [px, py] of estimatePeriods(w, width, height, EXTRA_PERIODS)) {
      const m = diagonal(px, py);
      if (maps.some((o) => mapDistance(o, m) < 0.005)) continue;
      maps.push(m);
      lap("period");
      screenMap(m, "period");
      lap("pilot");
    }
    lap("period");
    return pool.tryDecode(EARLY_Z, 2);
  };
  const latticeStage = (): Hit | null => {
    for (const m of estimateTileMaps(w, width, height, LATTICE_MAPS)) {
      if ([...maps, ...latticeMaps].some((o) => mapDistance(o, m) < 0.01)) continue;
      latticeMaps.push(m);
      lap("lattice");
      screenMap(m, "lattice");
      lap("pilot");
    }
    lap("lattice");
    return pool.tryDecode(EARLY_Z, 2);
  };
  // lattice maps are not in `maps`: a period map is dropped only next to the nominal grid or another
  // period, never for a lattice map near it (its 1-D estimate is the more precise of the two)
  const latticeMaps: TileMap[] = [];
  const order =
    Math.min(width, height) >= LATTICE_FIRST_SIDE ? [latticeStage, periodStage] : [periodStage, latticeStage];
  for (const stage of order) {
    hit = stage();
    if (hit) return finish(hit);
  }
  hit = nearIdentityStage(screenMap, pool);
  lap("near");
  if (hit) return finish(hit);
  // fine search around the best maps so far (each with its orientation resolved)
  const seeds: TileMap[] = [];
  for (const c of [...pool.cands].sort((a, b) => b.z - a.z)) {
    if (seeds.length >= REFINED_MAPS || c.z < REFINE_MIN_Z) break;
    if (seeds.some((o) => mapDistance(o, c.map) < 0.01)) continue;
    seeds.push(c.map);
  }
  for (const seed of seeds) {
    const { map } = refineMap(plane(), seed);
    if (mapDistance(map, seed) < 1e-9) continue;
    const coef = bandCoefficients(fold(w, width, height, map));
    for (const pk of pilotPeaks(coef, 2))
      pool.cands.push({ ...pk, map, coef, searched: true, stage: "refine" });
  }
  lap("refine");
  hit = pool.tryDecode(EARLY_Z, 2);
  if (hit) return finish(hit);
  // last: the exhaustive pilot sweep over rotation and aspect (search.ts)
  for (const map of searchMaps(plane())) {
    const coef = bandCoefficients(fold(w, width, height, map));
    for (const pk of pilotPeaks(coef, 2))
      pool.cands.push({ ...pk, map, coef, searched: true, stage: "search" });
  }
  lap("search");
  // (v9) a mark whose primary no stage could decode: the low carrier at the nominal grid (its own pilot)
  const nominal = pool.cands.find((c) => c.stage === "nominal");
  return finish(pool.tryDecode(FINAL_MIN_Z, MAX_DECODES) ?? (nominal ? pool.tryLow(nominal) : null));
}

/**
 * Small rotations (search.ts, NEAR_ANGLES), screened with the pilot on the 2× plane like the lattice
 * maps and decoded at a clear peak; otherwise their best candidates seed the fine search.
 */
function nearIdentityStage(
  screenMap: (m: TileMap, stage: string) => void,
  pool: CandidateDecoder,
): Hit | null {
  for (const m of nearIdentityMaps()) screenMap(m, "near");
  return pool.tryDecode(EARLY_Z, 2);
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
  const { w, width, height, f } = prepare(image);
  const pool = new CandidateDecoder(undefined, false, lowReader(image, f));
  const addMap = (m: TileMap) => {
    const coef = bandCoefficients(fold(w, width, height, m));
    for (const pk of pilotPeaks(coef, 2)) pool.cands.push({ ...pk, map: m, coef, stage: "readBack" });
  };
  const maps: TileMap[] = [];
  if (geometry === "upright") {
    maps.push(diagonal(TILE, TILE));
    addMap(maps[0]!);
    const hit = pool.tryDecode(EARLY_Z, 2);
    if (hit) return hit.detection;
  }
  for (const [px, py] of estimatePeriods(w, width, height)) {
    // (v9) a mark with the low carrier repeats at LOW_FACTOR × the tile too: an estimate that locked
    // onto that period also proposes the tile's own
    for (const m of [diagonal(px, py), diagonal(px / LOW_FACTOR, py / LOW_FACTOR)]) {
      if (maps.some((o) => mapDistance(o, m) < 0.005)) continue;
      maps.push(m);
      addMap(m);
    }
  }
  return (pool.tryDecode(EARLY_Z, 2) ?? pool.tryDecode(READBACK_MIN_Z, MAX_DECODES))?.detection ?? null;
}

function diagonal(px: number, py: number): TileMap {
  return { a: TILE / px, b: 0, c: 0, d: TILE / py };
}

function mapDistance(p: TileMap, q: TileMap): number {
  return Math.abs(p.a - q.a) + Math.abs(p.b - q.b) + Math.abs(p.c - q.c) + Math.abs(p.d - q.d);
}
