import { beforeAll, describe, expect, it } from "vitest";
import { synthImage } from "../src/bench/synth.ts";
import { resizeTo, rotate } from "../src/bench/attacks.ts";
import { embed, type RawImage } from "../src/index.ts";
import { luma } from "../src/image.ts";
import { whiten } from "../src/whiten.ts";
import { refineMap, refineTarget, type RefineTarget } from "../src/refine.ts";
import { sameMap, searchMaps } from "../src/search.ts";
import { estimateTileMaps } from "../src/lattice.ts";
import { whitenedSpectrum } from "../src/autocorr.ts";
import type { TileMap } from "../src/sync.ts";

const PAYLOAD = 0x01000000c0ffee42n;

function target(im: RawImage): RefineTarget {
  return refineTarget(whiten(luma(im), im.width, im.height), im.width, im.height);
}

/** Largest entry difference between two maps. */
const dist = (p: TileMap, q: TileMap) =>
  Math.max(Math.abs(p.a - q.a), Math.abs(p.b - q.b), Math.abs(p.c - q.c), Math.abs(p.d - q.d));

// The stages that find the geometry when the autocorrelation lattice does not (sync by the pilot).
describe("pilot-driven geometry search", () => {
  let marked: RawImage;
  beforeAll(() => {
    marked = embed(synthImage(640, 480, 909, 0.7), PAYLOAD);
  });

  it("the sweep finds a 2° rotation to within 0.003 of the true map", async () => {
    const t = (2 * Math.PI) / 180;
    const c = Math.cos(t);
    const s = Math.sin(t);
    const maps = searchMaps(target(await rotate(marked, 2)));
    expect(maps.length).toBeGreaterThan(0);
    const best = Math.min(
      ...maps.flatMap((m) => [dist(m, { a: c, b: s, c: -s, d: c }), dist(m, { a: c, b: -s, c: s, d: c })]),
    );
    expect(best).toBeLessThan(0.003);
  });

  it("with the lattice stage's spectrum, the pre-screened sweep still finds a 2° rotation", async () => {
    const im = await rotate(marked, 2);
    const w = whiten(luma(im), im.width, im.height);
    estimateTileMaps(w, im.width, im.height, 4); // leaves the plane's whitened spectrum behind, as in detect()
    const tg = refineTarget(w, im.width, im.height);
    expect(whitenedSpectrum(tg.w)).toBeDefined();
    const t = (2 * Math.PI) / 180;
    const c = Math.cos(t);
    const s = Math.sin(t);
    const maps = searchMaps(tg);
    const best = Math.min(
      ...maps.flatMap((m) => [dist(m, { a: c, b: s, c: -s, d: c }), dist(m, { a: c, b: -s, c: s, d: c })]),
    );
    expect(best).toBeLessThan(0.003);
  });

  it("the sweep finds a width × 0.9 aspect change", async () => {
    const maps = searchMaps(target(await resizeTo(marked, marked.width * 0.9, marked.height)));
    const truth = { a: 1 / 0.9, b: 0, c: 0, d: 1 };
    expect(Math.min(...maps.map((m) => dist(m, truth)))).toBeLessThan(0.003);
  });

  it("the fine search climbs back from a map 0.4% off", () => {
    const t = target(marked);
    const off = { a: 1.004, b: 0.002, c: -0.002, d: 0.997 };
    const r = refineMap(t, off);
    // the largest entry error falls from 0.004 to at most 0.002 (a drift of ≈ 1 px over 640 px)
    expect(dist(r.map, { a: 1, b: 0, c: 0, d: 1 })).toBeLessThanOrEqual(0.0021);
  });

  it("counts two maps as the same when their four entries differ by less than the tolerance in sum", () => {
    const id = { a: 1, b: 0, c: 0, d: 1 };
    // 0.02 on each of the four entries: 0.08 in sum, although no single entry is off by 0.05
    const spread = { a: 1.02, b: 0.02, c: -0.02, d: 0.98 };
    expect(sameMap(id, { a: 1.03, b: 0.01, c: 0, d: 1 }, 0.05)).toBe(true);
    expect(sameMap(id, spread, 0.05)).toBe(false);
    expect(sameMap(id, spread, 0.1)).toBe(true);
    expect(sameMap(spread, id, 0.05)).toBe(sameMap(id, spread, 0.05));
  });

  it("finds nothing to refine on an unmarked image", () => {
    expect(searchMaps(target(synthImage(640, 480, 909, 0.7)))).toEqual([]);
  });
});
