/**
 * Fine search around an estimated tile map, scored by the pilot correlation. The lattice estimate
 * from the autocorrelation can be a few parts in a thousand off (few peaks on a small image, a
 * texture that leaks into the autocorrelation), and a map that far off smears the fold: over a
 * 500 px image the tile drifts by a pixel and the pilot z falls from ≈ 8 to the noise. A pattern
 * search on the four map entries, folding the 2× box-downsampled whitened image (a quarter of the
 * pixels; the band stays below its Nyquist), climbs back to the peak. It only ranks maps: no
 * decode is spent, so the false-positive bound is unchanged.
 */
import { bandCoefficients, fold, pilotPeaks } from "./fold.ts";
import { shrink, type TileMap } from "./sync.ts";

/** Step sizes of the pattern search on each map entry (tile bins per pixel, nominal 1). */
const STEPS = [0.004, 0.002, 0.001, 0.0005];
/** Passes over the four entries per step size at most. */
const PASSES = 2;

export interface RefineTarget {
  w: Float32Array;
  width: number;
  height: number;
  f: number;
}

/** The plane the search folds: the whitened image, 2× box-downsampled when its short side is ≥ 400 px. */
export function refineTarget(w: Float32Array, width: number, height: number): RefineTarget {
  const f = Math.min(width, height) >= 400 ? 2 : 1;
  const s = shrink(w, width, height, f);
  return { w: s.data, width: s.width, height: s.height, f };
}

function score(t: RefineTarget, m: TileMap): number {
  const k = t.f;
  const coef = bandCoefficients(
    fold(t.w, t.width, t.height, { a: m.a * k, b: m.b * k, c: m.c * k, d: m.d * k }),
  );
  return pilotPeaks(coef, 1)[0]?.z ?? -Infinity;
}

/** Pattern search from `m` (a map with its orientation resolved): the best map found and its z. */
export function refineMap(t: RefineTarget, m: TileMap): { map: TileMap; z: number } {
  let best = { ...m };
  let bestZ = score(t, best);
  const keys = ["a", "b", "c", "d"] as const;
  for (const step of STEPS) {
    for (let pass = 0; pass < PASSES; pass++) {
      let moved = false;
      for (const key of keys) {
        for (const sign of [1, -1]) {
          const cand = { ...best, [key]: best[key] + sign * step };
          const z = score(t, cand);
          if (z > bestZ) {
            bestZ = z;
            best = cand;
            moved = true;
            break;
          }
        }
      }
      if (!moved) break;
    }
  }
  return { map: best, z: bestZ };
}
