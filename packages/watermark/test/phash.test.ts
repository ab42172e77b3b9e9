import { describe, expect, it } from "vitest";
import { synthImage } from "../src/bench/synth.ts";
import { blur, crop, jpeg, resize } from "../src/bench/attacks.ts";
import { embed, hammingDistance, perceptualHash } from "../src/index.ts";
import { Prng } from "../src/prng.ts";

describe("perceptual hash", () => {
  it("is stable under re-encoding, resizing, blur and watermarking", async () => {
    const img = synthImage(500, 400, 8, 0.6);
    const h = perceptualHash(img);
    expect(typeof h).toBe("bigint");
    expect(h >> 64n).toBe(0n);
    for (const v of [await jpeg(img, 60), await resize(img, 0.5), await blur(img, 1), embed(img, 5n)]) {
      expect(hammingDistance(h, perceptualHash(v))).toBeLessThanOrEqual(6);
    }
    // a mild crop keeps it close too
    expect(hammingDistance(h, perceptualHash(crop(img, 0.9, new Prng(1))))).toBeLessThanOrEqual(16);
  });

  it("separates different images", () => {
    const hashes = [1, 2, 3, 4, 5].map((s) => perceptualHash(synthImage(256, 256, 900 + s, 0.6)));
    for (let i = 0; i < hashes.length; i++) {
      for (let j = i + 1; j < hashes.length; j++) {
        expect(hammingDistance(hashes[i]!, hashes[j]!)).toBeGreaterThan(12);
      }
    }
  });

  it("hammingDistance counts differing bits", () => {
    expect(hammingDistance(0n, 0n)).toBe(0);
    expect(hammingDistance(0n, 0xffffffffffffffffn)).toBe(64);
    expect(hammingDistance(0b1011n, 0b0001n)).toBe(2);
  });
});
