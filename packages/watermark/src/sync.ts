/**
 * The tile map and its algebra: the linear map from image pixels to tile bins that geometric
 * resynchronisation estimates (the autocorrelation lattice, `lattice.ts`; the per-axis periods,
 * `periods.ts`; the pilot-scored fine search and sweep, `refine.ts` / `search.ts`), and the 8
 * symmetries of the square it is defined up to, which the detector resolves with the pilot on the
 * folded tile.
 */
import { TILE } from "./pattern.ts";

/** Linear map from image pixels to tile bins: u = a·x + b·y, v = c·x + d·y (63 bins per period). */
export interface TileMap {
  a: number;
  b: number;
  c: number;
  d: number;
}

type Shrunk = { data: Float32Array; width: number; height: number };
/** the last shrinks of each plane: the lattice, the refine target and the sweep ask for the same one */
const shrunk = new WeakMap<Float32Array, Map<number, Shrunk>>();

/** Box-downsamples a plane by an integer factor (memoised per plane and factor; do not mutate the result). */
export function shrink(src: Float32Array, width: number, height: number, f: number): Shrunk {
  if (f === 1) return { data: src, width, height };
  let byF = shrunk.get(src);
  const hit = byF?.get(f);
  if (hit && hit.width === Math.floor(width / f) && hit.height === Math.floor(height / f)) return hit;
  const out = shrinkPlane(src, width, height, f);
  if (!byF) shrunk.set(src, (byF = new Map()));
  byF.set(f, out);
  return out;
}

function shrinkPlane(src: Float32Array, width: number, height: number, f: number): Shrunk {
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
