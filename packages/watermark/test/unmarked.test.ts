import { describe, expect, it } from "vitest";
import { synthImage } from "../src/bench/synth.ts";
import { crop, jpeg, resize } from "../src/bench/attacks.ts";
import { detect, embed, type RawImage } from "../src/index.ts";
import { Prng } from "../src/prng.ts";

// every unmarked read runs all the detector's stages, the geometry sweep included: generous on a
// loaded machine (no timing is asserted)
const UNMARKED_TIMEOUT = 600_000;

describe("unmarked images never yield a payload", () => {
  it(
    "generated images, crops and scales",
    async () => {
      const rng = new Prng(99);
      let trials = 0;
      for (let s = 0; s < 6; s++) {
        const img = synthImage(480 + 37 * s, 360 + 23 * s, 5000 + s, 0.2 + 0.15 * s);
        expect(detect(img)).toBeNull();
        trials++;
        for (let k = 0; k < 4; k++) {
          let im = crop(img, 0.3 + 0.7 * rng.next(), rng);
          im = await resize(im, 0.5 + rng.next());
          if (k % 2 === 0) im = await jpeg(im, 70);
          expect(detect(im)).toBeNull();
          trials++;
        }
      }
      expect(trials).toBe(30);
    },
    UNMARKED_TIMEOUT,
  );

  it("degenerate content: flat, saturated, pure noise, stripes", () => {
    const w = 200;
    const h = 150;
    const make = (f: (x: number, y: number, c: number) => number): RawImage => {
      const data = new Uint8Array(w * h * 3);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = f(x, y, c);
      return { width: w, height: h, channels: 3, data };
    };
    const rng = new Prng(3);
    const images = [
      make(() => 128),
      make(() => 0),
      make(() => 255),
      make(() => rng.int(256)),
      make((x) => (x % 63 < 31 ? 40 : 200)),
      make((x, y) => ((x + y) % 8 < 4 ? 0 : 255)),
    ];
    for (const im of images) expect(detect(im)).toBeNull();
  });

  it("a marked image with its mark removed by heavy blur is not misread", async () => {
    const img = synthImage(300, 300, 77, 0.6);
    const marked = embed(img, 0x0100000000000001n);
    const { blur } = await import("../src/bench/attacks.ts");
    const d = detect(await blur(marked, 6));
    expect(d === null || d.payload === 0x0100000000000001n).toBe(true);
  });
});
