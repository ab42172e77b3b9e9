/**
 * The smooth-region guard (plan.ts limitSmooth, run on every embedVerified render): line art whose
 * smooth strips sit between textured blocks, where the strength steps' raised texture cap reaches
 * the smooth pixels through the metric's 3×3 mean. Before the guard this fixture's returned image
 * had a smooth-region chroma change of 0.351 (limit 0.25); with it 0.238.
 */
import { describe, expect, it } from "vitest";
import { planEmbed, renderPlan } from "../src/embed.ts";
import { detect, embedVerified, smoothChange, type RawImage } from "../src/index.ts";
import { SMOOTH_CHROMA_RMS_MAX, SMOOTH_MIN_SHARE, SMOOTH_RMS_MAX } from "../src/metrics.ts";
import { limitSmooth } from "../src/plan.ts";
import { Prng } from "../src/prng.ts";
import { SMOOTH_GUARD_CHROMA, SMOOTH_GUARD_LUMA } from "../src/visibility.ts";

const PAYLOAD = 0x01800000000000a9n;

/** Noisy `cell`-px squares on a saturated gradient, `gap` px apart: thin smooth strips, long rims. */
function lineArt(size: number, cell: number, gap: number, seed: number, bg: number[]): RawImage {
  const rng = new Prng(seed);
  const data = new Uint8Array(size * size * 3);
  for (let y = 0, p = 0; y < size; y++)
    for (let x = 0; x < size; x++, p += 3) {
      const inCell = x % (cell + gap) < cell && y % (cell + gap) < cell;
      for (let k = 0; k < 3; k++) {
        const v = inCell ? 90 + 100 * rng.next() : bg[k]! + (30 * (x + y)) / size;
        data[p + k] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  return { width: size, height: size, channels: 3, data };
}

describe("smooth-region guard", () => {
  const art = lineArt(320, 14, 12, 7, [30, 30, 230]);

  it("the fixture exceeds the chroma limit without the guard (a strong render of the bare plan)", () => {
    const plan = planEmbed(art, PAYLOAD);
    const s = smoothChange(art, renderPlan(plan, 2.5));
    expect(s.fraction).toBeGreaterThan(SMOOTH_MIN_SHARE);
    expect(s.chromaRms).toBeGreaterThan(SMOOTH_CHROMA_RMS_MAX);
  });

  it("limitSmooth brings a render under its targets in a few rounds and leaves a compliant one alone", () => {
    const plan = planEmbed(art, PAYLOAD);
    let im = renderPlan(plan, 2.5);
    let rounds = 0;
    while (limitSmooth(plan, im)) {
      im = renderPlan(plan, 2.5);
      rounds++;
      expect(rounds).toBeLessThanOrEqual(3);
    }
    const s = smoothChange(art, im);
    expect(s.lumaRms).toBeLessThanOrEqual(SMOOTH_GUARD_LUMA);
    expect(s.chromaRms).toBeLessThanOrEqual(SMOOTH_GUARD_CHROMA);
    expect(limitSmooth(plan, im)).toBe(false);
  });

  it("embedVerified keeps the limit on it and the mark still reads", () => {
    const r = embedVerified(art, PAYLOAD);
    const s = smoothChange(art, r.image);
    expect(s.lumaRms).toBeLessThanOrEqual(SMOOTH_RMS_MAX);
    expect(s.chromaRms).toBeLessThanOrEqual(SMOOTH_CHROMA_RMS_MAX);
    expect(r.verdict).not.toBe("failed");
    expect(detect(r.image)?.payload).toBe(PAYLOAD);
  });
});
