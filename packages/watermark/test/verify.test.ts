import { describe, expect, it } from "vitest";
import { synthImage } from "../src/bench/synth.ts";
import { jpeg, resize } from "../src/bench/attacks.ts";
import {
  absDiffQuantile,
  detect,
  embed,
  embedVerified,
  psnr,
  referenceAttack,
  ssim,
  type RawImage,
} from "../src/index.ts";
import { planEmbed, renderPlan, type RenderInfo } from "../src/embed.ts";
import { MIN_SSIM, STRENGTH_STEPS } from "../src/verify.ts";
import { readBack } from "../src/detect.ts";

const PAYLOAD = 0x01000000abad1dean;

describe("embedVerified", () => {
  it("returns ok for a textured image, and the mark survives the reference attack and its real-codec version", async () => {
    const img = synthImage(640, 480, 77, 0.6);
    const r = embedVerified(img, PAYLOAD);
    expect(r.verdict).toBe("ok");
    expect(r.reason).toBeUndefined();
    expect(r.psnr).toBeGreaterThanOrEqual(42);
    expect(ssim(img, r.image)).toBeGreaterThanOrEqual(0.985);
    expect(absDiffQuantile(img, r.image, 0.999)).toBeLessThanOrEqual(12);
    expect(detect(referenceAttack(r.image))?.payload).toBe(PAYLOAD);
    expect(detect(await jpeg(await resize(r.image, 0.5), 75))?.payload).toBe(PAYLOAD);
  });

  it("does not claim ok, and says why, when the image is too small for the reference attack", () => {
    const flat: RawImage = {
      width: 48,
      height: 40,
      channels: 3,
      data: new Uint8Array(48 * 40 * 3).fill(128),
    };
    const r = embedVerified(flat, PAYLOAD);
    expect(["weak", "failed"]).toContain(r.verdict);
    expect(r.reason).toMatch(/JND cap raised/);
    expect(r.image.width).toBe(48);
    if (r.verdict === "weak") expect(detect(r.image)?.payload).toBe(PAYLOAD);
  });

  it("does not claim ok where the blind read after the reference attack finds an older mark", async () => {
    // a marked parent, upscaled 2× (the derivative keeps the parent's mark at twice its scale, which
    // the 0.5× reference attack brings back to the nominal grid), then marked over it: the read at
    // the known rescale finds the new payload, the blind detector the parent's
    const OLD = 0x0100000000000aaan;
    const parent = embedVerified(synthImage(300, 300, 5, 1), OLD).image;
    const derivative = await resize(parent, 2);
    const r = embedVerified(derivative, PAYLOAD);
    expect(readBack(referenceAttack(r.image), "rescaled")?.payload).toBe(PAYLOAD);
    expect(detect(referenceAttack(r.image))?.payload).toBe(OLD);
    expect(r.verdict).toBe("weak");
    expect(r.reason).toContain("0100000000000aaa");
    expect(r.reason).toContain('existing: "replace"');
    expect(detect(r.image)?.payload).toBe(PAYLOAD);
    // the same parent, not rescaled: the new mark wins the blind read after the attack, and ok says so
    const same = embedVerified(parent, PAYLOAD);
    expect(same.verdict).toBe("ok");
    expect(detect(referenceAttack(same.image))?.payload).toBe(PAYLOAD);
  });

  it("the reference attack halves the image and keeps it an image", () => {
    const img = synthImage(301, 200, 5, 0.5);
    const a = referenceAttack(img);
    expect([a.width, a.height, a.channels]).toEqual([150, 100, 3]);
    expect(a.data.length).toBe(150 * 100 * 3);
  });
});

describe("embedVerified's parts", () => {
  it("renders from one plan exactly what embed renders, at every strength", () => {
    const img = synthImage(300, 220, 21, 0.5);
    const plan = planEmbed(img, PAYLOAD);
    for (const s of [1, 1.6, 2.5]) {
      expect(
        Buffer.from(renderPlan(plan, s).data).equals(Buffer.from(embed(img, PAYLOAD, { jndScale: s }).data)),
      ).toBe(true);
    }
  });

  it("the caps' SSIM estimate stays below the real SSIM (it may skip the real computation)", () => {
    for (const [seed, tex] of [
      [3, 0.9],
      [4, 0.2],
      [5, 0.6],
    ] as const) {
      const img = synthImage(256, 256, seed, tex);
      const plan = planEmbed(img, PAYLOAD);
      for (const s of [1, 2.5]) {
        const info: RenderInfo = {};
        const marked = renderPlan(plan, s, undefined, info);
        expect(info.ssimEstimate!).toBeLessThan(ssim(img, marked));
      }
    }
  });

  it("readBack finds the mark upright and after the reference attack, and nothing on an unmarked image", () => {
    const img = synthImage(512, 384, 8, 0.6);
    const marked = embed(img, PAYLOAD);
    expect(readBack(marked, "upright")?.payload).toBe(PAYLOAD);
    expect(readBack(referenceAttack(marked), "rescaled")?.payload).toBe(PAYLOAD);
    expect(readBack(img, "upright")).toBeNull();
    expect(readBack(referenceAttack(img), "rescaled")).toBeNull();
  });

  it("gives the strongest step within the SSIM floor, found without rendering every step", () => {
    // [w, h, seed, texture]: the SSIM floor binds at 1.6× on the first, nowhere on the others
    for (const [w, h, seed, tex] of [
      [256, 256, 3, 0.2],
      [320, 240, 9, 0.3],
      [320, 240, 4, 0.1],
    ] as const) {
      const img = synthImage(w, h, seed, tex);
      const r = embedVerified(img, PAYLOAD);
      expect(r.verdict).not.toBe("failed");
      // the exhaustive answer: every step rendered, the last of the prefix within the floor
      const plan = planEmbed(img, PAYLOAD);
      let top = 1;
      for (const s of STRENGTH_STEPS) {
        if (ssim(img, renderPlan(plan, s)) < MIN_SSIM) break;
        top = s;
      }
      expect(r.strength).toBe(top);
      expect(Buffer.from(r.image.data).equals(Buffer.from(renderPlan(plan, top).data))).toBe(true);
      expect(r.calls.render!).toBeLessThan(STRENGTH_STEPS.length);
      expect(r.calls.readPlain).toBe(1);
    }
  });

  it("never returns an image below the SSIM floor, weakening a strongly textured one if it must", () => {
    const img = synthImage(400, 300, 12, 1);
    const r = embedVerified(img, PAYLOAD, { psnr: 40 });
    expect(ssim(img, r.image)).toBeGreaterThanOrEqual(0.985);
    if (r.verdict !== "failed") expect(detect(r.image)?.payload).toBe(PAYLOAD);
  });
});

describe("visibility metrics", () => {
  it("ssim is 1 for identical images and falls with noise; the |Δ| quantile counts grey levels", () => {
    const img = synthImage(200, 150, 9, 0.5);
    expect(ssim(img, img)).toBeCloseTo(1, 10);
    const noisy = { ...img, data: img.data.map((v, i) => (i % 97 === 0 ? Math.min(255, v + 30) : v)) };
    expect(ssim(img, noisy)).toBeLessThan(1);
    expect(absDiffQuantile(img, img, 0.999)).toBe(0);
    expect(absDiffQuantile(img, noisy, 0.999)).toBeGreaterThan(0);
    expect(psnr(img, noisy)).toBeLessThan(60);
  });
});
