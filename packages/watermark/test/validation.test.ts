import { describe, expect, it } from "vitest";
import { detect, embed, perceptualHash, psnr, WatermarkInputError, type RawImage } from "../src/index.ts";

const good = (): RawImage => ({ width: 64, height: 64, channels: 3, data: new Uint8Array(64 * 64 * 3) });

describe("invalid input gives a clear error", () => {
  const ops: [string, (im: RawImage) => unknown][] = [
    ["embed", (im) => embed(im, 1n)],
    ["detect", (im) => detect(im)],
    ["perceptualHash", (im) => perceptualHash(im)],
  ];
  for (const [name, op] of ops) {
    it(`${name}: empty buffer`, () => {
      expect(() => op({ width: 64, height: 64, channels: 3, data: new Uint8Array(0) })).toThrow(/empty/);
    });
    it(`${name}: wrong channel count`, () => {
      const bad = {
        width: 64,
        height: 64,
        channels: 2,
        data: new Uint8Array(64 * 64 * 2),
      } as unknown as RawImage;
      expect(() => op(bad)).toThrow(/3 \(RGB\) or 4 \(RGBA\) channels/);
    });
    it(`${name}: data length mismatch`, () => {
      expect(() => op({ ...good(), data: new Uint8Array(100) })).toThrow(/does not match/);
    });
    it(`${name}: 1×1 image`, () => {
      expect(() => op({ width: 1, height: 1, channels: 3, data: new Uint8Array(3) })).toThrow(
        WatermarkInputError,
      );
      expect(() => op({ width: 1, height: 1, channels: 3, data: new Uint8Array(3) })).toThrow(/too small/);
    });
    it(`${name}: absurd claimed size fails fast without allocating`, () => {
      const t0 = performance.now();
      expect(() => op({ width: 20000, height: 20000, channels: 3, data: new Uint8Array(1200) })).toThrow(
        /too large/,
      );
      expect(() => op({ width: 20000, height: 20000, channels: 4, data: new Uint8Array(16) })).toThrow(
        WatermarkInputError,
      );
      expect(performance.now() - t0).toBeLessThan(1000); // a hang guard, not a timing assertion
    });
    it(`${name}: non-integer or negative size, wrong buffer type`, () => {
      expect(() => op({ ...good(), width: 64.5 })).toThrow(/positive integers/);
      expect(() => op({ ...good(), height: -64 })).toThrow(/positive integers/);
      expect(() => op({ ...good(), data: [1, 2, 3] as unknown as Uint8Array })).toThrow(/Uint8Array/);
    });
  }

  it("embed: bad payloads and options", () => {
    expect(() => embed(good(), "xyz")).toThrow(/16 hex digits/);
    expect(() => embed(good(), 1n << 64n)).toThrow(/payload/);
    expect(() => embed(good(), 1n, { psnr: 5 })).toThrow(/psnr/);
  });

  it("psnr: shape mismatch", () => {
    expect(() =>
      psnr(good(), { width: 32, height: 32, channels: 3, data: new Uint8Array(32 * 32 * 3) }),
    ).toThrow(/same shape/);
    expect(psnr(good(), good())).toBe(Infinity);
  });
});

describe("edge cases", () => {
  it("tiny and strip-shaped images are handled without crashing", () => {
    for (const [w, h] of [
      [16, 16],
      [17, 300],
      [300, 16],
      [40, 41],
    ] as const) {
      const data = new Uint8Array(w * h * 3).map((_, i) => (i * 37) & 255);
      const img: RawImage = { width: w, height: h, channels: 3, data };
      const marked = embed(img, 0x0100000000000abcn);
      expect(psnr(img, marked)).toBeGreaterThanOrEqual(42);
      const d = detect(marked);
      expect(d === null || d.payload === 0x0100000000000abcn).toBe(true);
    }
  });
});

describe("the core is browser-safe", () => {
  it("imports no Node built-ins and no codec outside src/node, src/cli, src/bench", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const dir = new URL("../src/", import.meta.url);
    const core = readdirSync(dir).filter((f) => f.endsWith(".ts"));
    expect(core.length).toBeGreaterThan(5);
    for (const f of core) {
      const src = readFileSync(new URL(f, dir), "utf8");
      expect(src, f).not.toMatch(/from\s+["'](node:|sharp|fs|path|os|crypto)["'/]/);
      expect(src, f).not.toMatch(/\b(Buffer|process|require)\b/);
    }
  });
});
