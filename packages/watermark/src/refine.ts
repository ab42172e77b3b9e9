/**
 * Fine search around an estimated tile map, scored by the pilot correlation. The lattice estimate
 * from the autocorrelation can be a few parts in a thousand off (few peaks on a small image, a
 * texture that leaks into the autocorrelation), and a map that far off smears the fold: over a
 * 500 px image the tile drifts by a pixel and the pilot z falls from ≈ 8 to the noise. A pattern
 * search on the four map entries climbs back to the peak. The score is the pilot correlation's peak
 * height, not its z: z saturates near 9 once the pilot dominates the correlation surface (its own
 * sidelobes set the spread), so it is flat within ±0.008 of the truth, while the height falls off
 * with the fold's smearing. The coarse steps fold the 2× box-downsampled whitened image (a quarter
 * of the pixels), the fine steps the full one (the downsampled peak is flat within ±0.002). It only
 * ranks maps: no decode is spent, so the false-positive bound is unchanged.
 */
import { bandCoefficients, fold, pilotPeaks } from "./fold.ts";
import { shrink, type TileMap } from "./sync.ts";

/** Step sizes of the pattern search on each map entry (tile bins per pixel, nominal 1). */
const COARSE_STEPS = [0.004, 0.002];
const FINE_STEPS = [0.001, 0.0005];
/** Passes over the four entries per step size at most. */
const PASSES = 2;

interface Plane {
  w: Float32Array;
  width: number;
  height: number;
  f: number;
}

/** The planes the search folds: the whitened image and, when its short side is ≥ 400 px, its 2× box-downsampled copy. */
export interface RefineTarget extends Plane {
  full: Plane;
}

export function refineTarget(w: Float32Array, width: number, height: number): RefineTarget {
  const f = Math.min(width, height) >= 400 ? 2 : 1;
  const s = shrink(w, width, height, f);
  return { w: s.data, width: s.width, height: s.height, f, full: { w, width, height, f: 1 } };
}

function score(p: Plane, m: TileMap): number {
  const k = p.f;
  const coef = bandCoefficients(
    fold(p.w, p.width, p.height, { a: m.a * k, b: m.b * k, c: m.c * k, d: m.d * k }),
  );
  return pilotPeaks(coef, 1)[0]?.peak ?? -Infinity;
}

function climb(p: Plane, start: TileMap, steps: number[]): TileMap {
  let best = { ...start };
  let bestV = score(p, best);
  const keys = ["a", "b", "c", "d"] as const;
  for (const step of steps) {
    for (let pass = 0; pass < PASSES; pass++) {
      let moved = false;
      for (const key of keys) {
        for (const sign of [1, -1]) {
          const cand = { ...best, [key]: best[key] + sign * step };
          const v = score(p, cand);
          if (v > bestV) {
            bestV = v;
            best = cand;
            moved = true;
            break;
          }
        }
      }
      if (!moved) break;
    }
  }
  return best;
}

/** Pattern search from `m` (a map with its orientation resolved): the best map found. */
export function refineMap(t: RefineTarget, m: TileMap): { map: TileMap } {
  return { map: climb(t.full, climb(t, m, COARSE_STEPS), FINE_STEPS) };
}
