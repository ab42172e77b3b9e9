import { describe, expect, it } from "vitest";
import { artConditionFor } from "../src/model/art/condition.ts";
import { spans, tower } from "../src/model/art/sites.ts";
import { hashStream } from "../src/model/conditioning.ts";

const seed = (i: number) => "0x" + i.toString(16).padStart(64, "0");
const seeds = Array.from({ length: 30 }, (_, i) => seed(500 + i));

/** the site nearest to (x, 3) by power distance, as the graph's ReduceMin picks it */
function nearest(sites: { x: number; y: number; r: number; v: number }[], x: number): number {
  let best = 0;
  let e = Infinity;
  sites.forEach((s, k) => {
    const ek = (x - s.x) ** 2 + (3 - s.y) ** 2 - s.r ** 2;
    if (ek < e) [e, best] = [ek, k];
  });
  return sites[best]!.v;
}

describe("art v2 compositions", () => {
  it("spans: the power diagram's borders fall on the given edges, spans of any width side by side", () => {
    const edges = [-0.7, -0.1, -0.02, 0.4];
    const heights = [1, 2, 3, 4, 5];
    const sites = spans(edges, heights);
    for (const [i, x] of edges.entries()) {
      expect(nearest(sites, x - 0.002)).toBe(heights[i]);
      expect(nearest(sites, x + 0.002)).toBe(heights[i + 1]);
    }
    expect(() => spans([0], [1])).toThrow(/1 edges need 2 heights/);
  });

  it("a tower stands near a third of the frame, taller than everything around it", () => {
    for (let i = 0; i < 20; i++) {
      const t = tower(hashStream(`tower-${i}`));
      expect(Math.abs(t.x)).toBeGreaterThan(0.15);
      expect(nearest(t.sites, t.x)).toBe(t.height);
      expect(nearest(t.sites, t.x + t.width)).toBeLessThan(t.height / 2);
      expect(nearest(t.sites, t.x - t.width)).toBeLessThan(t.height / 2);
    }
  });

  it('"lighthouse": a tower on a headland over the sea, its lamp on top; upright', () => {
    for (const s of seeds.slice(0, 10)) {
      const c = artConditionFor("vintage poster of a lighthouse", s);
      expect(c.composition).toBe("tower");
      expect(c.style.water).toBeGreaterThan(0.5);
      expect(c.style.city).toBe(1);
      expect(c.orientation).toBeLessThan(2); // only mirrored: the sky stays above
      const top = Math.max(...c.sites.map((x) => x.v));
      expect(nearest(c.sites, c.style.focusX)).toBe(top); // the lamp above the tallest span
      const towerTopY = (c.style.cityTop - top) * 2 - 1;
      expect(c.style.focusY).toBeLessThan(towerTopY);
      expect(c.style.focusY).toBeGreaterThan(towerTopY - 4 * c.style.orbR);
    }
    expect(artConditionFor("castle tower at dusk", seed(1)).composition).toBe("tower");
    expect(artConditionFor("castle tower at dusk", seed(1)).style.water).toBe(0);
    const boat = artConditionFor("a boat on the river", seed(1));
    expect(boat.composition).toBe("land");
    expect(boat.style.water).toBeGreaterThan(0.5);
  });

  it("symmetric figures lie off the middle of the frame; one a word asked for stays symmetric", () => {
    for (const prompt of [
      "a blue ocean mandala",
      "intricate purple kaleidoscope",
      "a planet",
      "cosmic spiral galaxy",
    ])
      for (const s of seeds) {
        const c = artConditionFor(prompt, s);
        expect(Math.abs(c.style.focusX), prompt).toBeGreaterThanOrEqual(0.2);
        expect(Math.abs(c.style.focusY), prompt).toBeGreaterThanOrEqual(0.08);
        expect(c.transform.skew, prompt).toBe(0);
      }
    const axes = new Set<number>();
    for (const s of seeds) {
      const c = artConditionFor("butterfly wings, symmetric", s);
      expect(c.composition).toBe("mirror");
      expect(Math.abs(c.transform.cx)).toBeGreaterThanOrEqual(0.12);
      expect(c.transform.skew).toBe(0);
      axes.add(Math.round(c.transform.axis * 100));
    }
    expect(axes.size).toBeGreaterThan(20); // the mirror line's tilt follows the seed
  });

  it("a field's focal point is never the middle of the frame", () => {
    for (const prompt of ["golden marble", "abstract"])
      for (const s of seeds) {
        const c = artConditionFor(prompt, s);
        expect(Math.max(Math.abs(c.style.focusX), Math.abs(c.style.focusY)), prompt).toBeGreaterThan(0.4);
      }
  });
});
