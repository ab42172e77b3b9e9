import { describe, expect, it } from "vitest";
import { BUILTIN_ART_MANIFEST } from "../src/model/builtin.ts";
import { loadManifest } from "../src/model/manifest.ts";
import { ModelRuntime } from "../src/model/runtime.ts";
import { NsfwClassifier } from "../src/safety/nsfw.ts";

describe("output safety check (nsfwjs on TF.js wasm)", () => {
  it("passes generated art at the default threshold; a threshold of 0 flags it after both models ran", async () => {
    const rt = await ModelRuntime.create(await loadManifest(BUILTIN_ART_MANIFEST), { provider: "cpu" });
    const images = await rt.generate(
      ["a blue ocean mandala", "sunset over the forest"].map((prompt, i) => ({ prompt, seed: `0x0${i}` })),
    );
    await rt.close();
    const normal = await NsfwClassifier.load({ threshold: 0.9, backend: "wasm" });
    expect(normal.backend).toBe("wasm");
    for (const im of images) {
      const v = await normal.check(im);
      expect(v.unsafe).toBe(false);
      expect(v.score).toBeGreaterThanOrEqual(0);
    }
    const strict = await NsfwClassifier.load({ threshold: 0, backend: "wasm", confirmModel: "MobileNetV2" });
    const v = await strict.check(images[0]!);
    expect(v.unsafe).toBe(true);
    expect(Object.keys(v.classes).sort()).toEqual(["Drawing", "Hentai", "Neutral", "Porn", "Sexy"]);
  });
});
