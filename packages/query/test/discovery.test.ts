import { describe, expect, it } from "vitest";
import {
  evaluateRecommenders,
  hammingDistance,
  nearDuplicateCheck,
  NearMatchIndex,
  RelatedWorks,
  RIGHTS,
  simulateMarket,
} from "./discovery-fixtures.ts";

describe("near-match index (usearch, Hamming over 64 bits)", () => {
  it("finds every planted near-duplicate within the radius among 20,000 random hashes, nearest first", () => {
    const { index, queries } = nearDuplicateCheck(20_000, 200);
    let found = 0;
    for (const q of queries) {
      const matches = index.search(q.hash, 8, 10);
      if (matches.some((m) => m.workId === q.target && m.distance === q.flipped)) found += 1;
      for (const m of matches) expect(m.distance).toBeLessThanOrEqual(8);
      expect(matches.map((m) => m.distance)).toEqual(
        [...matches.map((m) => m.distance)].sort((a, b) => a - b),
      );
    }
    expect(found / queries.length).toBeGreaterThanOrEqual(0.99);
  });

  it("returns nothing beyond the radius and replaces a work's hash on re-add", () => {
    const index = new NearMatchIndex();
    index.add([
      { workId: 1n, hash: 0n },
      { workId: 2n, hash: -1n },
    ]);
    expect(index.search(0n, 3)).toEqual([{ workId: 1n, distance: 0 }]);
    index.add([{ workId: 1n, hash: 0xffn }]);
    expect(index.search(0n, 3)).toEqual([]);
    expect(hammingDistance(0xffn, 0n)).toBe(8);
  });
});

describe("related works (hybrid, licence-aware)", () => {
  it("filters by the rights the viewer needs and says why each work is suggested", () => {
    const related = new RelatedWorks(4);
    const e = (...v: number[]) => Float32Array.from(v);
    related.addWorks([
      { workId: 1n, embedding: e(1, 0, 0, 0), creator: "a", rights: RIGHTS.commercial },
      { workId: 2n, embedding: e(0.9, 0.1, 0, 0), creator: "a", rights: RIGHTS.commercial },
      { workId: 3n, embedding: e(0.95, 0.05, 0, 0), creator: "b", rights: RIGHTS.aiTraining },
      { workId: 4n, embedding: e(0, 0, 1, 0), creator: "c", rights: RIGHTS.commercial },
    ]);
    const all = related.forWork(1n);
    expect(all.map((s) => s.workId).slice(0, 2)).toEqual([2n, 3n]);
    expect(all[0]!.reasons).toEqual(
      expect.arrayContaining([expect.stringMatching(/^looks similar/), "same creator"]),
    );
    const commercial = related.forWork(1n, { requireRights: RIGHTS.commercial });
    expect(commercial.map((s) => s.workId)).not.toContain(3n);
    related.addLicense("brand-x", 1n);
    related.addLicense("brand-x", 4n);
    related.addLicense("brand-y", 1n);
    expect(related.forAccount("brand-y").map((s) => s.workId)).toContain(4n);
    expect(related.forAccount("brand-y").find((s) => s.workId === 4n)!.reasons).toContain(
      "licensed by accounts that licensed the same works",
    );
  });

  it("beats most-popular by at least 2x HR@10 on a simulated market it was not tuned on", () => {
    const scores = evaluateRecommenders(simulateMarket({ seed: 2024, works: 1500, brands: 200 }));
    expect(scores.hybrid.hr10).toBeGreaterThanOrEqual(2 * scores.popular.hr10);
    expect(scores.hybrid.hr10).toBeGreaterThan(scores.visual.hr10);
  });
});
