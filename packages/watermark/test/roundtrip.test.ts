import { describe, expect, it } from "vitest";
import { synthImage } from "../src/bench/synth.ts";
import { detect, embed, psnr, smoothChange, type RawImage } from "../src/index.ts";
import { SMOOTH_RMS_MAX } from "../src/metrics.ts";

const PAYLOAD = 0x01c0ffee12345678n;

describe("embed → detect round trip", () => {
  const sizes: [number, number][] = [
    [128, 96],
    [201, 157],
    [333, 217],
    [512, 384],
    [1024, 683],
  ];
  for (const [w, h] of sizes) {
    it(`recovers the payload at ${w}×${h} with PSNR ≥ 42 dB`, () => {
      const img = synthImage(w, h, w * 31 + h, 0.6);
      const marked = embed(img, PAYLOAD);
      expect(marked.width).toBe(w);
      expect(marked.height).toBe(h);
      expect(marked.channels).toBe(3);
      expect(psnr(img, marked)).toBeGreaterThanOrEqual(42);
      const d = detect(marked);
      expect(d).not.toBeNull();
      expect(d!.payload).toBe(PAYLOAD);
      expect(d!.confidence).toBeGreaterThan(0.3);
      expect(d!.bitErrors).toBeLessThan(40);
    });
  }

  it("accepts a hex payload, RGBA input and Uint8ClampedArray, keeping alpha", () => {
    const rgb = synthImage(300, 200, 7, 0.5, 4);
    const alpha = rgb.data.map((_, i) => (i % 4 === 3 ? (i * 7) & 255 : 0));
    const data = new Uint8ClampedArray(rgb.data.map((v, i) => (i % 4 === 3 ? alpha[i]! : v)));
    const img: RawImage = { ...rgb, data };
    const marked = embed(img, "0123456789abcdef");
    for (let i = 3; i < data.length; i += 4) expect(marked.data[i]).toBe(data[i]);
    expect(psnr(img, marked)).toBeGreaterThanOrEqual(42);
    expect(detect(marked)?.payload).toBe(0x0123456789abcdefn);
  });

  it("meets a higher PSNR target when asked and stays deterministic", () => {
    const img = synthImage(400, 300, 11, 0.8);
    const a = embed(img, PAYLOAD, { psnr: 45 });
    const b = embed(img, PAYLOAD, { psnr: 45 });
    expect(psnr(img, a)).toBeGreaterThanOrEqual(44.8);
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
    expect(detect(a)?.payload).toBe(PAYLOAD);
  });

  it("works above the canonical size (tile period grows with the image)", () => {
    const img = synthImage(1800, 1300, 3, 0.6);
    const marked = embed(img, PAYLOAD);
    expect(psnr(img, marked)).toBeGreaterThanOrEqual(42);
    expect(detect(marked)?.payload).toBe(PAYLOAD);
  });

  it("different payloads are told apart", () => {
    const img = synthImage(320, 240, 5, 0.6);
    const p2 = 0x01000000000000ffn;
    expect(detect(embed(img, PAYLOAD))?.payload).toBe(PAYLOAD);
    expect(detect(embed(img, p2))?.payload).toBe(p2);
  });
});

describe("re-marking an already marked image", () => {
  const A = 0x0100000000000aaan;
  const B = 0x0100000000000bbbn;
  it('existing: "error" refuses, "replace" swaps the payload, the default does not check', async () => {
    const { crop } = await import("../src/bench/attacks.ts");
    const { Prng } = await import("../src/prng.ts");
    const img = synthImage(480, 360, 909, 0.6);
    const a = embed(img, A);
    expect(() => embed(a, B, { existing: "error" })).toThrow(
      /already carries watermark payload 0100000000000aaa/,
    );
    expect(detect(embed(img, B, { existing: "error" }))?.payload).toBe(B);
    const b = embed(a, B, { existing: "replace" });
    expect(detect(b)?.payload).toBe(B);
    expect(psnr(img, b)).toBeGreaterThan(40); // the old mark was subtracted, not stacked
    const c = embed(crop(a, 0.6, new Prng(2)), B, { existing: "replace" });
    expect(detect(c)?.payload).toBe(B);
    expect(() => embed(a, B, { existing: "bogus" as "error" })).toThrow(/existing/);
  });
});

describe("smooth, texture-free images (JND cap)", () => {
  // CPPN-like: soft colour gradients, no texture, as the generator node's built-in model draws
  function smooth(w: number, h: number): RawImage {
    const data = new Uint8Array(w * h * 3);
    for (let y = 0, p = 0; y < h; y++) {
      for (let x = 0; x < w; x++, p += 3) {
        const u = x / w - 0.5;
        const v = y / h - 0.5;
        const r = Math.sqrt(u * u + v * v);
        data[p] = Math.round(120 + 70 * Math.sin(5 * u + 2 * v));
        data[p + 1] = Math.round(110 + 60 * Math.cos(7 * r));
        data[p + 2] = Math.round(90 + 50 * Math.sin(4 * v - 3 * u * v));
      }
    }
    return { width: w, height: h, channels: 3, data };
  }
  const lumaRms = (a: RawImage, b: RawImage): number => {
    let s = 0;
    for (let p = 0; p < a.data.length; p += 3) {
      const d =
        0.299 * (b.data[p]! - a.data[p]!) +
        0.587 * (b.data[p + 1]! - a.data[p + 1]!) +
        0.114 * (b.data[p + 2]! - a.data[p + 2]!);
      s += d * d;
    }
    return Math.sqrt(s / (a.width * a.height));
  };

  it("keeps the change under the smooth-region limit (PSNR rises above the target) and reads it back", () => {
    const img = smooth(512, 512);
    const marked = embed(img, PAYLOAD);
    // the flat cap, levelled (levelSmooth) up to the smooth-region limit: far under the 42 dB budget
    expect(smoothChange(img, marked).lumaRms).toBeLessThanOrEqual(SMOOTH_RMS_MAX);
    expect(lumaRms(img, marked)).toBeLessThan(1.25);
    expect(psnr(img, marked)).toBeGreaterThan(46);
    expect(detect(marked)?.payload).toBe(PAYLOAD);
    // without the cap the whole 42 dB budget would spread evenly as visible grain
    const uncapped = embed(img, PAYLOAD, { jnd: false });
    expect(lumaRms(img, uncapped)).toBeGreaterThan(1.5);
    expect(psnr(img, uncapped)).toBeLessThan(43);
  });
});
