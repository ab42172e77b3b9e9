import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artManifest, builtinArt } from "../src/model/builtin.ts";
import { loadManifest } from "../src/model/manifest.ts";
import { ModelRuntime, type GenerateRequest } from "../src/model/runtime.ts";
import { GenerationBatcher } from "../src/model/batcher.ts";

describe("batching and warm-up (art model v2 at 64×64)", () => {
  let rt: ModelRuntime;
  beforeAll(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-batch-"));
    const { onnx } = builtinArt();
    const manifest = { ...artManifest(onnx, { width: 64, height: 64 }), maxBatch: 3 };
    await writeFile(path.join(dir, manifest.file), onnx);
    await writeFile(path.join(dir, "m.json"), JSON.stringify(manifest));
    rt = await ModelRuntime.create(await loadManifest(path.join(dir, "m.json")), { provider: "cpu" });
  });
  afterAll(async () => rt.close());

  it("groups concurrent jobs into runs of at most maxBatch within the batch window; results match unbatched", async () => {
    const sizes: number[] = [];
    const model = {
      manifest: rt.manifest,
      generate: (reqs: GenerateRequest[]) => {
        sizes.push(reqs.length);
        return rt.generate(reqs);
      },
    };
    const batcher = new GenerationBatcher(model, 30);
    const reqs = Array.from({ length: 7 }, (_, i) => ({ prompt: `job ${i}`, seed: `0x0${i}` }));
    const first = batcher.generate(reqs[0]!);
    await new Promise((r) => setTimeout(r, 10)); // still inside the window
    const rest = reqs.slice(1).map((r) => batcher.generate(r));
    const images = await Promise.all([first, ...rest]);
    expect(sizes).toEqual([3, 3, 1]);
    const alone = await rt.generate([reqs[4]!]);
    expect(Buffer.from(images[4]!.data).equals(Buffer.from(alone[0]!.data))).toBe(true);
  });

  it("without a window, jobs arriving one by one run one by one", async () => {
    const sizes: number[] = [];
    const batcher = new GenerationBatcher(
      { manifest: rt.manifest, generate: (r: GenerateRequest[]) => (sizes.push(r.length), rt.generate(r)) },
      0,
    );
    await batcher.generate({ prompt: "a", seed: "0x01" });
    await batcher.generate({ prompt: "b", seed: "0x02" });
    expect(sizes).toEqual([1, 1]);
  });

  it("warm-up runs one generation and reports its time", async () => {
    expect(await rt.warmUp()).toBeGreaterThan(0);
  });
});
