import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  BUILTIN_CPPN_MANIFEST,
  BUILTIN_MODELS_DIR,
  builtinCppn,
  cppnManifest,
} from "../src/model/builtin.ts";
import { conditionFor } from "../src/model/conditioning.ts";
import { buildCppnModel } from "../src/model/cppn.ts";
import { loadManifest, ModelHashMismatchError, weightsHash } from "../src/model/manifest.ts";
import { encodeModel } from "../src/model/onnx-proto.ts";
import { ModelRuntime } from "../src/model/runtime.ts";

describe("built-in CPPN model", () => {
  it("scripts/build-cppn.ts output is reproduced byte for byte by the code", async () => {
    const { onnx, manifest } = builtinCppn();
    const committed = new Uint8Array(await readFile(path.join(BUILTIN_MODELS_DIR, manifest.file)));
    expect(Buffer.compare(Buffer.from(committed), Buffer.from(onnx))).toBe(0);
    const committedManifest = JSON.parse(await readFile(BUILTIN_CPPN_MANIFEST, "utf8"));
    expect(committedManifest).toEqual(manifest);
  });

  it("same prompt and seed → same bytes; different seed or prompt → different image", async () => {
    const rt = await ModelRuntime.create(await loadManifest(BUILTIN_CPPN_MANIFEST), { provider: "cpu" });
    expect(rt.provider).toBe("cpu");
    const seed = "0x" + "ab".repeat(32);
    const [a, b, c, d] = await rt.generate([
      { prompt: "a blue ocean mandala", seed },
      { prompt: "a blue ocean mandala", seed },
      { prompt: "a blue ocean mandala", seed: "0x" + "cd".repeat(32) },
      { prompt: "red sunset", seed },
    ]);
    const [again] = await rt.generate([{ prompt: "a blue ocean mandala", seed }]);
    expect(a!.width).toBe(512);
    expect(Buffer.from(a!.data).equals(Buffer.from(b!.data))).toBe(true);
    expect(Buffer.from(a!.data).equals(Buffer.from(again!.data))).toBe(true);
    expect(Buffer.from(a!.data).equals(Buffer.from(c!.data))).toBe(false);
    expect(Buffer.from(a!.data).equals(Buffer.from(d!.data))).toBe(false);
    // not a flat image
    const values = new Set(a!.data);
    expect(values.size).toBeGreaterThan(50);
    await rt.close();
  });

  it("conditioning is deterministic and prompt-driven", () => {
    const x = conditionFor("Blue   Ocean", "0x01", 8);
    const y = conditionFor("blue ocean", "0x01", 8);
    expect(Array.from(x.latent)).toEqual(Array.from(y.latent));
    expect(x.structure).toEqual(y.structure);
    const z = conditionFor("blue ocean", "0x02", 8);
    expect(Array.from(z.palette)).toEqual(Array.from(x.palette));
    expect(Array.from(z.latent)).not.toEqual(Array.from(x.latent));
  });
});

describe("model manifest", () => {
  it("an ONNX graph built in the test loads through a manifest and generates at its resolution", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-model-"));
    const spec = { name: "tiny-cppn", weightSeed: 42, latentDim: 4, hidden: 8, layers: 2 };
    const onnx = buildCppnModel(spec);
    const manifest = { ...cppnManifest(onnx, spec, { width: 32, height: 24 }), maxBatch: 2 };
    await writeFile(path.join(dir, manifest.file), onnx);
    await writeFile(path.join(dir, "m.json"), JSON.stringify(manifest));
    const loaded = await loadManifest(path.join(dir, "m.json"), manifest.weightsHash);
    const rt = await ModelRuntime.create(loaded, { provider: "cpu" });
    const images = await rt.generate([1, 2, 3].map((i) => ({ prompt: `p${i}`, seed: `0x0${i}` })));
    expect(images).toHaveLength(3);
    for (const im of images) {
      expect(im.width).toBe(32);
      expect(im.height).toBe(24);
      expect(im.data.length).toBe(32 * 24 * 3);
    }
    await rt.close();
  });

  it('a latent-only model (kind "latent", output [batch, H·W·3] in [0,1]) runs through its manifest', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-model-"));
    const Z = 4;
    const P = 16 * 8;
    const W = new Float32Array(Z * P * 3).map((_, i) => Math.sin(i * 12.9898) * 3);
    const onnx = encodeModel({
      name: "tiny-latent",
      producer: "test",
      opset: 17,
      nodes: [
        { opType: "MatMul", inputs: ["z", "W"], outputs: ["m"], name: "mm" },
        { opType: "Sigmoid", inputs: ["m"], outputs: ["img"], name: "sig" },
      ],
      initializers: [{ name: "W", dims: [Z, P * 3], data: W }],
      inputs: [{ name: "z", shape: ["batch", Z] }],
      outputs: [{ name: "img", shape: ["batch", P * 3] }],
    });
    await writeFile(path.join(dir, "tiny.onnx"), onnx);
    const manifest = {
      name: "tiny-latent",
      file: "tiny.onnx",
      weightsHash: weightsHash(onnx),
      kind: "latent",
      resolution: { width: 16, height: 8 },
      latentDim: Z,
      latentRank: 2,
      inputs: { latent: "z" },
      output: { name: "img", layout: "NPC", range: "unit" },
      maxBatch: 2,
    };
    await writeFile(path.join(dir, "m.json"), JSON.stringify(manifest));
    const rt = await ModelRuntime.create(await loadManifest(path.join(dir, "m.json")), { provider: "cpu" });
    const [a, b, a2] = await rt.generate([
      { prompt: "one", seed: "0x01" },
      { prompt: "two", seed: "0x02" },
      { prompt: "one", seed: "0x01" },
    ]);
    expect(a!.data.length).toBe(P * 3);
    expect(Buffer.from(a!.data).equals(Buffer.from(a2!.data))).toBe(true);
    expect(Buffer.from(a!.data).equals(Buffer.from(b!.data))).toBe(false);
    await rt.close();
  });

  it("a model whose file does not match the on-chain weights hash refuses to load", async () => {
    await expect(loadManifest(BUILTIN_CPPN_MANIFEST, "0x" + "00".repeat(32))).rejects.toBeInstanceOf(
      ModelHashMismatchError,
    );
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-model-"));
    const { onnx, manifest } = builtinCppn();
    const tampered = Uint8Array.from(onnx);
    tampered[tampered.length - 100] = (tampered[tampered.length - 100] ?? 0) ^ 1;
    await writeFile(path.join(dir, manifest.file), tampered);
    await writeFile(path.join(dir, "m.json"), JSON.stringify(manifest));
    await expect(loadManifest(path.join(dir, "m.json"))).rejects.toThrow(/weights hash mismatch/);
  });

  it("an invalid manifest names the bad field", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-model-"));
    await writeFile(
      path.join(dir, "m.json"),
      JSON.stringify({ ...builtinCppn().manifest, weightsHash: "0x12" }),
    );
    await expect(loadManifest(path.join(dir, "m.json"))).rejects.toThrow(/weightsHash/);
  });
});
