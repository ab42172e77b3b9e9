/**
 * The public render API (`@atelier/generator-node/render`, imported here by that name as other
 * workspaces do): the built-in model's own output, deterministic, for text-to-image and variations.
 */
import { describe, expect, it } from "vitest";
import { openRenderer } from "@atelier/generator-node/render";
import { BUILTIN_ART_MANIFEST } from "../src/model/builtin.ts";
import { loadManifest } from "../src/model/manifest.ts";
import { ModelRuntime } from "../src/model/runtime.ts";

const seed = `0x${"5e".repeat(32)}`;

describe("openRenderer", () => {
  it("renders what the node's art model generates, the same bytes every time", async () => {
    const r = await openRenderer();
    const runtime = await ModelRuntime.create(await loadManifest(BUILTIN_ART_MANIFEST), { provider: "cpu" });
    try {
      expect(r.model).toBe("atelier-art-v2");
      expect(r.provider).toBe("cpu");
      const a = await r.render({ prompt: "sunset over the sea", seed });
      const [node] = await runtime.generate([{ prompt: "sunset over the sea", seed }]);
      expect([a.width, a.height, a.channels]).toEqual([r.resolution.width, r.resolution.height, 3]);
      expect(Buffer.from(a.data).equals(Buffer.from(node!.data))).toBe(true);
      const again = await r.render({ prompt: "sunset over the sea", seed });
      expect(Buffer.from(again.data).equals(Buffer.from(a.data))).toBe(true);
      const other = await r.render({ prompt: "neon city at night", seed });
      expect(Buffer.from(other.data).equals(Buffer.from(a.data))).toBe(false);
    } finally {
      await r.close();
      await runtime.close();
    }
  });

  it("renders variations with the variation model", async () => {
    const r = await openRenderer("art-variation");
    try {
      const of = { prompt: "moonlit mountains", seed };
      const v1 = await r.render({ prompt: "", seed: `0x${"01".repeat(32)}`, variationOf: of });
      const v2 = await r.render({ prompt: "", seed: `0x${"02".repeat(32)}`, variationOf: of });
      expect(r.model).toBe("atelier-art-v2-variation");
      expect(Buffer.from(v1.data).equals(Buffer.from(v2.data))).toBe(false);
    } finally {
      await r.close();
    }
  });
});
