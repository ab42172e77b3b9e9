/**
 * The low-frequency second carrier (v9, src/low.ts): on a smooth image it is what survives WebP q50,
 * and a mark without it (v8, or an image where the embedder leaves it out) reads as before.
 */
import { describe, expect, it } from "vitest";
import { synthImage } from "../src/bench/synth.ts";
import { webp } from "../src/bench/attacks.ts";
import { detect, type DetectDiagnostics } from "../src/detect.ts";
import { embed, planEmbed, renderPlan } from "../src/embed.ts";
import { removeMark } from "../src/strip.ts";
import type { RawImage } from "../src/image.ts";
import { addLowCarrier, LOW_SHARE } from "../src/low.ts";
import { lowCodebook } from "../src/lowbook.ts";
import { codedSymbols } from "../src/pattern.ts";
import { convEncode, messageBits } from "../src/ecc.ts";
import { layPattern, tileFor } from "../src/plan.ts";
import { smoothBlobs } from "./support/smooth-art.ts";

const PAYLOAD = 0x01800000000000a9n;

/** A smooth "wallpaper": soft colour blobs over a gradient, no texture, no edges. */
const smoothWallpaper = (width: number, height: number, seed: number): RawImage =>
  smoothBlobs(width, height, seed, { baseMin: 120, baseRange: 60 });

describe("low-frequency second carrier", () => {
  it("decides the read after WebP q50 on a smooth image the primary alone misses", async () => {
    const image = smoothWallpaper(512, 512, 3);
    const plan = planEmbed(image, PAYLOAD);
    const twoCarrier = renderPlan(plan);
    // the same plan with the primary carrier only (a v8 mark without host rejection)
    layPattern(plan, tileFor(PAYLOAD));
    const primaryOnly = renderPlan(plan);
    expect(detect(await webp(primaryOnly, 50))).toBeNull();
    const diag = {} as DetectDiagnostics;
    expect(detect(await webp(twoCarrier, 50), diag)?.payload).toBe(PAYLOAD);
    expect(diag.found?.low).toBe(true);
  }, 60_000);

  it("still reads a mark without the low carrier (v8 style), by the primary alone", async () => {
    const image = smoothWallpaper(512, 512, 4);
    const plan = planEmbed(image, PAYLOAD, { informed: false });
    const v8 = renderPlan(plan);
    for (const im of [v8, await webp(v8, 80)]) {
      const diag = {} as DetectDiagnostics;
      expect(detect(im, diag)?.payload).toBe(PAYLOAD);
      expect(diag.found?.low).toBeUndefined();
    }
  }, 60_000);

  it("is left out where the host swamps it (a textured image keeps the primary pattern)", () => {
    const image = synthImage(384, 384, 7, 0.7);
    const plan = planEmbed(image, PAYLOAD, { informed: false });
    const primary = tileFor(PAYLOAD);
    const before = Float32Array.from(plan.d);
    const b = codedSymbols(convEncode(messageBits(PAYLOAD)));
    expect(addLowCarrier(plan, b, primary)).toBe(0);
    expect(plan.d).toEqual(before);
    const smooth = planEmbed(smoothWallpaper(384, 384, 5), PAYLOAD, { informed: false });
    expect(addLowCarrier(smooth, b, primary)).toBe(LOW_SHARE);
  }, 60_000);

  it("is removed with the mark: removeMark and existing: replace leave no old payload behind", async () => {
    // (seeds 3 and 5 keep a readable primary residue after removeMark on main too: a limit of
    // subtractMark on smooth images, not of the low carrier)
    const image = smoothWallpaper(512, 512, 4);
    const marked = embed(image, PAYLOAD);
    const diag = {} as DetectDiagnostics;
    expect(detect(await webp(marked, 50), diag)?.payload).toBe(PAYLOAD);
    expect(diag.found?.low).toBe(true); // the low carrier is there, and decides after WebP q50
    const stripped = removeMark(marked);
    expect(stripped.removed?.payload).toBe(PAYLOAD);
    expect(detect(stripped.image)).toBeNull();
    expect(detect(await webp(stripped.image, 50))).toBeNull();
    const other = 0x0180000000000b17n;
    const remarked = embed(marked, other, { existing: "replace" });
    expect(detect(await webp(remarked, 50))?.payload).toBe(other);
  }, 60_000);

  it("says what is wrong when a band cannot hold the code", () => {
    expect(() => lowCodebook(0.03, 0.06)).toThrow(/payload dimensions, the code needs 188/);
  });
});
