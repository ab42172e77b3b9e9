/**
 * Re-marking a v5/v6 mark (informed symbols, no longer ±1, and an embedVerified strength above 1):
 * `existing: "replace"` must leave an image whose reads give the new payload and never the old one,
 * as it is and after the reference mild attack (0.5× + JPEG q75).
 */
import { describe, expect, it } from "vitest";
import { jpeg, resize } from "../src/bench/attacks.ts";
import { synthImage } from "../src/bench/synth.ts";
import { detect, embedVerified, type RawImage } from "../src/index.ts";

const OLD = 0x0100000000000aaan;
const NEW = 0x01000000005bbbbbn;

function checkReplaced(img: RawImage) {
  const first = embedVerified(img, OLD);
  expect(first.verdict, first.reason).toBe("ok");
  expect(detect(first.image)?.payload).toBe(OLD);
  const second = embedVerified(first.image, NEW, { existing: "replace" });
  expect(second.verdict, second.reason).toBe("ok");
  expect(detect(second.image)?.payload).toBe(NEW);
  return second.image;
}

describe('existing: "replace" on a v5/v6-marked image', () => {
  for (const [name, img] of [
    ["textured 512×384", synthImage(512, 384, 4242, 0.8)],
    ["mildly textured 480×360", synthImage(480, 360, 909, 0.4)],
  ] as const) {
    it(`${name}: the new payload reads, the old one never does (also after 0.5× + JPEG q75)`, async () => {
      const remarked = checkReplaced(img);
      const attacked = await jpeg(await resize(remarked, 0.5), 75);
      // both images are "ok" at embed, so the new mark must survive the reference attack too
      expect(detect(attacked)?.payload).toBe(NEW);
    });
  }
});
