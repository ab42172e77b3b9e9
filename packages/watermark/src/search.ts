/**
 * Exhaustive pilot search over the geometry the issue names, for images where the autocorrelation
 * lattice and the per-axis periods found nothing: rotations within ±10.5° (around each of the
 * square's 8 orientations) and aspect changes 0.8–1.25 on either axis. The lattice estimate is a
 * second-order statistic — its peaks grow with the square of the mark's amplitude, so on a strongly
 * textured photo they sink under the picture's own correlation — while the pilot correlation is
 * first-order: at the right map it stands at z ≈ 7–9 where the lattice saw nothing. Each step folds
 * the 2× box-downsampled whitened image once and screens the 8 orientations with the pilot (no
 * decode), and the best steps go on to the fine search (refine.ts). Steps are sized so that the
 * tile drifts by about a pixel at most between two of them over a downsampled image of ≈ 500 px
 * (0.6°; 1.2% of scale), which costs the pilot peak ≈ 5% of its z.
 */
import { whitenedSpectrum, WINDOW } from "./autocorr.ts";
import { bandCoefficients, bandEnergy, fold, pilotPeaks, transformCoefficients } from "./fold.ts";
import { codebook, TILE } from "./pattern.ts";
import { refineMap, type RefineTarget } from "./refine.ts";
import { composeMap, shrink, SQUARE_SYMMETRIES, type TileMap } from "./sync.ts";

const MAX_ANGLE = 10.5;
const ANGLE_STEP = 0.6;
const MIN_ASPECT = 0.78;
const MAX_ASPECT = 1.28;
const ASPECT_STEP = 0.012;
/**
 * Uniform rescales the sweep also covers (geometric steps of ASPECT_STEP), as a group of their own:
 * the per-axis period comb misses the mark's period on small rescaled images, where the picture's
 * own structure fills the autocorrelation (0.5× of 512² art, of 640×480 and 680×350 photos: the
 * oracle map read at pilot z 6–7.4, and the comb's 9 best periods did not hold 31.5), while the
 * pilot, first-order, still sees it. A downscaled image carries the band higher, where the 4×
 * screen plane's box filter erases it, so the group is ranked and screened on the refine target.
 * It runs on images whose short side is below SCALE_GROUP_MAX_SIDE only (searchMaps).
 */
const MIN_SCALE = 0.45;
const MAX_SCALE = 2.2;
/**
 * Half the aspect step: a map's error drifts the tile by (error × image size × map gain) bins, and
 * a 0.5× image carries two tile bins per pixel (1.2% steps left the 0.5× map of a 320 px image at
 * pilot z 3.9 instead of 7.4).
 */
const SCALE_STEP = 0.006;
/**
 * The scale group runs on images whose short side is below this (v9; v7–v8: 400 px, the 2× plane's
 * threshold). At 800 the 100 dev photos went resize0.75 94 → 97%, resize0.5 93 → 96%, combo 91 → 93%,
 * resize0.5+jpeg75 90 → 91%, no read lost, 0 / 300 false positives; an unmarked 768–1023 px read pays
 * +4…+18 CPU-ms for it (README, "Geometric resynchronisation").
 */
const SCALE_GROUP_MAX_SIDE = 800;
/** Scale maps kept by the spectral pre-screen, and then by their folded band energy for the pilot. */
const SCALE_PRESCREEN_KEEP = 12;
const SCALE_ENERGY_KEEP = 6;
/** Best distinct maps of the sweep that are refined and returned. */
const KEEP = 2;
/** Maps with the most folded band energy that the pilot screens (in 8 orientations each). */
const ENERGY_KEEP = 10;
/**
 * The band-energy screen folds a plane this much coarser than the refine target (4× below the
 * whitened image in all): the box filter keeps the band's SNR for a white-ish whitened plane (16×
 * fewer samples, each averaging 16 pixels), and the tolerance of a fold to a map error is geometric
 * (tile drift over the image), so the steps stay the same. The pilot then scores the kept maps on
 * the refine target itself.
 */
const SCREEN_SHRINK = 2;
/**
 * Sweep maps that the fold screen sees when the lattice stage left its power spectrum of the same
 * plane: the others are dropped by their spectral band energy — the whitened spectrum summed at
 * the frequencies the map sends the band's bins to, a few hundred table reads per map instead of
 * a fold. The spectrum's 256² patches resolve frequency about as finely as two neighbouring maps
 * differ at the band's top, so this only pre-screens; the fold screen still ranks what is kept.
 */
const PRESCREEN_KEEP = 36;
/** Planes whose short side would fall below this are screened at the refine target's resolution. */
const SCREEN_MIN_SIDE = 128;
/**
 * Two sweep hits whose maps differ by less than this (summed over the four entries) are one peak
 * seen from neighbouring steps: the second is not refined.
 */
const DISTINCT_L1 = 0.05;
/** Sweep peaks below this are noise (≈ 120 maps × 8 orientations × 3969 shifts): not refined. */
const MIN_Z = 4.8;

interface Hit {
  map: TileMap;
  z: number;
}

/**
 * Small rotations the detector screens with the pilot directly, before the fine search: a rotation
 * of 0.5–1° falls between the nominal grid and what the lattice resolves (on line art, UI
 * screenshots and textured photos the picture's own lattice outscores the mark's), and the sweep's
 * band-energy screen ranks these maps below the picture's texture. The pilot on the 2× plane holds
 * z ≥ 6 within ±0.3° of the true angle at ≈ 1000 px (devset, `rotate0.5`: 8.2 at 0.2° off on
 * `analogpattern`, 5.7 on `grid-l`, against 3.5–4.7 at the nominal grid), so ±0.3° and ±0.9° cover
 * every rotation up to 1.2° to within 0.3° — 4 folds of the 2× plane and 32 pilot surfaces.
 */
export const NEAR_ANGLES = [0.3, -0.3, 0.9, -0.9];

/** The maps of NEAR_ANGLES (orientation unresolved: the caller screens the 8 symmetries). */
export function nearIdentityMaps(): TileMap[] {
  return NEAR_ANGLES.map((deg) => {
    const t = (deg * Math.PI) / 180;
    return { a: Math.cos(t), b: Math.sin(t), c: -Math.sin(t), d: Math.cos(t) };
  });
}

function sweepMaps(): TileMap[] {
  const maps: TileMap[] = [];
  for (let deg = -MAX_ANGLE; deg <= MAX_ANGLE + 1e-9; deg += ANGLE_STEP) {
    if (Math.abs(deg) < ANGLE_STEP / 2) continue; // the nominal grid was tried first
    const t = (deg * Math.PI) / 180;
    const c = Math.cos(t);
    const s = Math.sin(t);
    maps.push({ a: c, b: s, c: -s, d: c });
  }
  for (let r = MIN_ASPECT; r <= MAX_ASPECT + 1e-9; r += ASPECT_STEP) {
    if (Math.abs(r - 1) < ASPECT_STEP / 2) continue;
    maps.push({ a: 1 / r, b: 0, c: 0, d: 1 }, { a: 1, b: 0, c: 0, d: 1 / r });
  }
  return maps;
}

function scaleMaps(): TileMap[] {
  const maps: TileMap[] = [];
  for (let r = MIN_SCALE; r <= MAX_SCALE; r *= 1 + SCALE_STEP) {
    if (Math.abs(Math.log(r)) < 1.5 * ASPECT_STEP) continue; // the nominal grid's neighbourhood
    maps.push({ a: 1 / r, b: 0, c: 0, d: 1 / r });
  }
  return maps;
}
let sweep: TileMap[] | null = null;
let scales: TileMap[] | null = null;

/** The best maps (orientation resolved, in full-resolution pixels) of the sweep, refined. */
export function searchMaps(t: RefineTarget): TileMap[] {
  sweep ??= sweepMaps();
  const k = t.f;
  const sf = Math.min(t.width, t.height) >= SCREEN_SHRINK * SCREEN_MIN_SIDE ? SCREEN_SHRINK : 1;
  const screen = shrink(t.w, t.width, t.height, sf);
  const ks = k * sf;
  // screen every map by the folded band energy (no pilot, no orientation), then the pilot on the best
  const scored: { m: TileMap; e: number }[] = [];
  for (const m of prescreen(t, sweep)) {
    const base = bandCoefficients(
      fold(screen.data, screen.width, screen.height, { a: m.a * ks, b: m.b * ks, c: m.c * ks, d: m.d * ks }),
    );
    scored.push({ m, e: bandEnergy(base) });
  }
  scored.sort((a, b) => b.e - a.e);
  const pilotMaps = scored.slice(0, ENERGY_KEEP).map((s) => s.m);
  scales ??= scaleMaps();
  // only on images with a short side below SCALE_GROUP_MAX_SIDE: there the period comb missed the
  // 0.75× period on line art and a chessboard, and a 1024² image (Verify's usual read) does not
  // pay the group's folds
  if (Math.min(t.width, t.height) * t.f < SCALE_GROUP_MAX_SIDE && whitenedSpectrum(t.w)) {
    const byEnergy = prescreen(t, scales, SCALE_PRESCREEN_KEEP).map((m) => ({
      m,
      e: bandEnergy(
        bandCoefficients(fold(t.w, t.width, t.height, { a: m.a * k, b: m.b * k, c: m.c * k, d: m.d * k })),
      ),
    }));
    byEnergy.sort((a, b) => b.e - a.e);
    pilotMaps.push(...byEnergy.slice(0, SCALE_ENERGY_KEEP).map((s) => s.m));
  }
  const hits: Hit[] = [];
  for (const m of pilotMaps) {
    const base = bandCoefficients(
      fold(t.w, t.width, t.height, { a: m.a * k, b: m.b * k, c: m.c * k, d: m.d * k }),
    );
    let best: Hit | null = null;
    for (let gi = 0; gi < SQUARE_SYMMETRIES.length; gi++) {
      const z = pilotPeaks(transformCoefficients(base, gi), 1)[0]?.z ?? -Infinity;
      if (!best || z > best.z) best = { z, map: composeMap(m, SQUARE_SYMMETRIES[gi]!) };
    }
    if (best) hits.push(best);
  }
  hits.sort((a, b) => b.z - a.z);
  const kept: TileMap[] = [];
  for (const h of hits) {
    if (kept.length >= KEEP || h.z < MIN_Z) break;
    if (kept.some((o) => sameMap(o, h.map, DISTINCT_L1))) continue;
    kept.push(h.map);
  }
  return kept.map((m) => refineMap(t, m).map);
}

/** Whether two maps are the same within `tolerance`, the sum of their four entries' differences. */
export function sameMap(p: TileMap, q: TileMap, tolerance: number): boolean {
  return Math.abs(p.a - q.a) + Math.abs(p.b - q.b) + Math.abs(p.c - q.c) + Math.abs(p.d - q.d) < tolerance;
}

/** The sweep maps with the most spectral band energy (all of them when the plane has no spectrum). */
function prescreen(t: RefineTarget, maps: TileMap[], keep = PRESCREEN_KEEP): TileMap[] {
  const power = whitenedSpectrum(t.w);
  if (!power || maps.length <= keep) return maps;
  const cb = codebook();
  const bins = [...cb.pilotBins, ...cb.payloadBins];
  const N = WINDOW;
  // a map's tile bin (fu, fv) is the image frequency (fu·a + fv·c, fu·b + fv·d) / TILE cycles per
  // full-resolution pixel, × t.f per plane pixel, × N per spectrum bin; the nearest of the 2×2 bins
  // around it that holds the most power stands for the line (its main lobe is one bin wide)
  const energy = (m: TileMap) => {
    const k = (t.f * N) / TILE;
    let e = 0;
    for (const { fu, fv } of bins) {
      const x = (fu * m.a + fv * m.c) * k;
      const y = (fu * m.b + fv * m.d) * k;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      let best = 0;
      for (let j = 0; j <= 1; j++) {
        const row = ((((y0 + j) % N) + N) % N) * N;
        for (let i = 0; i <= 1; i++) {
          const v = power[row + ((((x0 + i) % N) + N) % N)]!;
          if (v > best) best = v;
        }
      }
      e += best;
    }
    return e;
  };
  return maps
    .map((m) => ({ m, e: energy(m) }))
    .sort((a, b) => b.e - a.e)
    .slice(0, keep)
    .map((x) => x.m);
}
