import { beforeAll, describe, expect, it } from "vitest";
import { synthImage } from "../src/bench/synth.ts";
import { crop, flip, jpeg, resizeTo, rotate } from "../src/bench/attacks.ts";
import { detect, embed, type RawImage } from "../src/index.ts";
import { composeMap, SQUARE_SYMMETRIES } from "../src/sync.ts";
import { Prng } from "../src/prng.ts";

// every unmarked read runs all the detector's stages, the geometry sweep included: generous on a
// loaded machine (no timing is asserted)
const UNMARKED_TIMEOUT = 600_000;

const PAYLOAD = 0x01000000feedf00dn;

// Geometric resynchronisation: rotation, 90° turns, mirror images and aspect changes, with crops.
const cases: [string, (im: RawImage) => Promise<RawImage>][] = [
  ["rotation 3°", (im) => rotate(im, 3)],
  ["rotation −7°", (im) => rotate(im, -7)],
  ["rotation 10°", (im) => rotate(im, 10)],
  ["rotation 90°", (im) => rotate(im, 90)],
  ["rotation 270° + 2°", async (im) => rotate(await rotate(im, 270), 2)],
  ["horizontal flip", (im) => flip(im, true)],
  ["vertical flip", (im) => flip(im, false)],
  ["width × 0.85", (im) => resizeTo(im, im.width * 0.85, im.height)],
  ["height × 1.2", (im) => resizeTo(im, im.width, im.height * 1.2)],
  ["rotation 4° + crop 50% + JPEG q80", async (im) => jpeg(crop(await rotate(im, 4), 0.5, new Prng(3)), 80)],
  [
    "flip + width × 1.1 + rotation 1°",
    async (im) => rotate(await resizeTo(await flip(im, true), im.width * 1.1, im.height), 1),
  ],
];

describe("geometric resynchronisation", () => {
  let marked: RawImage[] = [];
  beforeAll(() => {
    marked = [synthImage(800, 600, 303, 0.7), synthImage(640, 640, 404, 0.5)].map((im) => embed(im, PAYLOAD));
  });
  for (const [name, attack] of cases) {
    it(`recovers the payload after ${name}`, async () => {
      for (const [i, m] of marked.entries()) {
        const d = detect(await attack(m));
        expect(d?.payload, `${name} on image ${i}`).toBe(PAYLOAD);
      }
    });
  }

  it(
    "unmarked images stay unmarked under rotations and flips",
    async () => {
      for (let s = 0; s < 4; s++) {
        const img = synthImage(600, 450, 900 + s, 0.6);
        expect(detect(await rotate(img, 2 + 2 * s))).toBeNull();
        expect(detect(await flip(img, s % 2 === 0))).toBeNull();
      }
    },
    UNMARKED_TIMEOUT,
  );

  it("the 8 square symmetries compose back to the identity map", () => {
    const m = { a: 0.9, b: 0.1, c: -0.2, d: 1.1 };
    for (const g of SQUARE_SYMMETRIES) {
      const back = composeMap(composeMap(m, g), [g[0], g[2], g[1], g[3]]);
      // gᵀ undoes g: composing with g then gᵀ (as a map on tile coordinates) returns m
      expect(
        Math.abs(back.a - m.a) + Math.abs(back.b - m.b) + Math.abs(back.c - m.c) + Math.abs(back.d - m.d),
      ).toBeLessThan(1e-12);
    }
  });
});
