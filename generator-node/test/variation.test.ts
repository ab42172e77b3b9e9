/**
 * The variation model: the committed manifest loads (same ONNX and weights hash as the art model),
 * the same (parent, seed) gives the same bytes twice and across a runtime restart, and the parent's
 * metadata is read as data: only a generated art-model work with a bytes32 seed can be varied.
 */
import { describe, expect, it } from "vitest";
import { InvalidJobError, variationSource, type ParentWork } from "../src/job/production.ts";
import { BUILTIN_ART_MANIFEST, BUILTIN_ART_VARIATION_MANIFEST } from "../src/model/builtin.ts";
import { loadManifest } from "../src/model/manifest.ts";
import { ModelRuntime } from "../src/model/runtime.ts";

const seed = (i: number) => "0x" + i.toString(16).padStart(64, "0");
const work = (provenance: Record<string, unknown>): ParentWork => ({
  cid: "bafk",
  bytes: new Uint8Array(),
  metadata: { provenance },
});
const art = { source: "generated", model: "atelier-art-v2", prompt: "moonlit mountains", seed: seed(3) };
const one = [{ workId: 9n, licenseId: 0n }];

describe("art variations", () => {
  it("same parent and seed → same bytes, twice and across a restart; another seed → other bytes", async () => {
    const loaded = await loadManifest(BUILTIN_ART_VARIATION_MANIFEST);
    expect(loaded.manifest.weightsHash).toBe((await loadManifest(BUILTIN_ART_MANIFEST)).manifest.weightsHash);
    const variationOf = { prompt: art.prompt, seed: art.seed };
    const job = { prompt: "variation", seed: seed(41), variationOf };
    const rt1 = await ModelRuntime.create(loaded, { provider: "cpu" });
    const [a, b, other] = await rt1
      .generate([job, job])
      .then(async (ab) => [...ab, ...(await rt1.generate([{ ...job, seed: seed(42) }]))]);
    await rt1.close();
    const rt2 = await ModelRuntime.create(await loadManifest(BUILTIN_ART_VARIATION_MANIFEST), {
      provider: "cpu",
    });
    const [restarted] = await rt2.generate([job]);
    await rt2.close();
    expect(Buffer.from(a!.data).equals(Buffer.from(b!.data))).toBe(true);
    expect(Buffer.from(a!.data).equals(Buffer.from(restarted!.data))).toBe(true);
    expect(Buffer.from(a!.data).equals(Buffer.from(other!.data))).toBe(false);
  });

  it("reads the parent's prompt and seed; a variation's parent gives its own source", () => {
    expect(variationSource(one, [work(art)], "atelier-art-v2")).toEqual({
      prompt: art.prompt,
      seed: art.seed,
    });
    const child = {
      ...art,
      model: "atelier-art-v2-variation",
      prompt: "again",
      seed: seed(5),
      variationOf: { prompt: art.prompt, seed: art.seed },
    };
    expect(variationSource(one, [work(child)], "atelier-art-v2")).toEqual({
      prompt: art.prompt,
      seed: art.seed,
    });
  });

  it("refuses what it cannot vary, saying why", () => {
    const refuse = (ws: ParentWork[], msg: RegExp, parents = one) => {
      expect(() => variationSource(parents, ws, "atelier-art-v2")).toThrow(InvalidJobError);
      expect(() => variationSource(parents, ws, "atelier-art-v2")).toThrow(msg);
    };
    refuse([], /exactly one parent/, []);
    refuse([work(art), work(art)], /exactly one parent/, [...one, ...one]);
    refuse([work({ source: "upload" })], /parent work 9 cannot be varied: it is not a generated work/);
    refuse([work({ ...art, model: "esrgan-slim-x4" })], /made by model "esrgan-slim-x4", not atelier-art-v2/);
    refuse([work({ ...art, seed: "0x1234" })], /no bytes32 seed/);
    refuse([work({ ...art, prompt: 7 })], /no usable prompt/);
  });
});
