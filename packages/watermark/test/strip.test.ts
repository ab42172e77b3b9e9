/**
 * removeMark: one detect, the mark subtracted, nothing embedded. A stripped image must not read as
 * the old payload (as it is, nor after the reference 0.5× + JPEG q75 attack), and a fresh mark
 * embedded with `existing: "ignore"` must be the only one that reads.
 */
import { describe, expect, it } from "vitest";
import { jpeg, resize } from "../src/bench/attacks.ts";
import { synthImage } from "../src/bench/synth.ts";
import { detect, embedVerified, removeMark, psnr } from "../src/index.ts";

const OLD = 0x0100000000000aaan;
const NEW = 0x01000000005bbbbbn;

describe("removeMark", () => {
  const img = synthImage(512, 384, 4242, 0.8);
  const marked = embedVerified(img, OLD);

  it("finds the mark, subtracts it: the old payload no longer reads, also after 0.5× + JPEG q75", async () => {
    expect(marked.verdict, marked.reason).toBe("ok");
    const { image, removed } = removeMark(marked.image);
    expect(removed?.payload).toBe(OLD);
    expect(image).not.toBe(marked.image);
    expect(detect(image)?.payload).not.toBe(OLD);
    expect(detect(await jpeg(await resize(image, 0.5), 75))?.payload).not.toBe(OLD);
    // a removal, not a repaint: closer to the unmarked image than the marked one was
    expect(psnr(img, image)).toBeGreaterThan(psnr(img, marked.image));
  });

  it("a new mark on the stripped image is the only one that reads", async () => {
    const { image } = removeMark(marked.image);
    const remarked = embedVerified(image, NEW);
    expect(remarked.verdict, remarked.reason).toBe("ok");
    expect(detect(remarked.image)?.payload).toBe(NEW);
    expect(detect(await jpeg(await resize(remarked.image, 0.5), 75))?.payload).toBe(NEW);
  });

  it("an unmarked image comes back as it is, with nothing removed", () => {
    const r = removeMark(img);
    expect(r.removed).toBeNull();
    expect(r.image).toBe(img);
  });

  it("an image below the smallest readable side has nothing to remove", () => {
    const tiny = synthImage(12, 12, 7, 0.8);
    const r = removeMark(tiny);
    expect(r.removed).toBeNull();
    expect(r.image).toBe(tiny);
  });

  it("refuses what is not an image, as embed does", () => {
    expect(() => removeMark({ width: 0, height: 0, channels: 3, data: new Uint8Array(0) })).toThrow();
  });
});
