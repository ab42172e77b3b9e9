import { readFile } from "node:fs/promises";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BUILTIN_ART_MANIFEST,
  BUILTIN_MODELS_DIR,
  BUILTIN_UPSCALE_MANIFEST,
  UPSCALE_X4,
  builtinUpscale,
} from "../src/model/builtin.ts";
import type { TfjsLayersModel } from "../src/model/esrgan/convert.ts";
import { upscaleTiled } from "../src/model/esrgan/tiling.ts";
import { loadManifest } from "../src/model/manifest.ts";
import { ModelRuntime, type RawImage } from "../src/model/runtime.ts";
import sharp from "sharp";
import { decodeImage, InProcessProducer } from "../src/producer.ts";
import { loadWatermark, payloadFor } from "../src/watermark.ts";
import { attacked, cropTopLeft } from "./helpers/images.ts";

/** A small real parent: a crop of an art-model-like gradient with edges (deterministic). */
function parent(width: number, height: number): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      const ring = Math.hypot(x - width / 2, y - height / 2) % 9 < 4 ? 1 : 0;
      data[o] = (x * 255) / width;
      data[o + 1] = ring ? 230 : 40;
      data[o + 2] = ((x ^ y) & 8 ? 200 : 60) * (y / height);
    }
  return { width, height, channels: 3, data };
}

/** A real parent: the top-left side² of an art-v2 work. */
async function artCrop(prompt: string, seed: `0x${string}`, side: number): Promise<RawImage> {
  const art = await ModelRuntime.create(await loadManifest(BUILTIN_ART_MANIFEST), { provider: "cpu" });
  const [work] = await art.generate([{ prompt, seed }]);
  await art.close();
  return cropTopLeft(work!, side);
}

/** The producer as the node runs the upscale model, with a classifier that passes everything. */
function upscaleProducer(rt: ModelRuntime, wm: Awaited<ReturnType<typeof loadWatermark>>) {
  return new InProcessProducer(
    rt,
    { backend: "test", check: async () => ({ unsafe: false, score: 0, classes: {} }) },
    wm,
  );
}

async function resizedTo(im: RawImage, side: number): Promise<RawImage> {
  const { data } = await sharp(Buffer.from(im.data), {
    raw: { width: im.width, height: im.height, channels: 3 },
  })
    .resize(side, side, { kernel: "lanczos3" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: side, height: side, channels: 3, data: new Uint8Array(data) };
}

describe("ESRGAN-slim ×4 upscale model", () => {
  let rt: ModelRuntime;
  beforeAll(async () => {
    rt = await ModelRuntime.create(await loadManifest(BUILTIN_UPSCALE_MANIFEST), { provider: "cpu" });
  });
  afterAll(async () => rt.close());

  it("scripts/build-esrgan.ts output is reproduced byte for byte from the vendored TF.js weights", async () => {
    const { onnx, manifest } = builtinUpscale();
    const committed = new Uint8Array(await readFile(path.join(BUILTIN_MODELS_DIR, manifest.file)));
    expect(Buffer.compare(Buffer.from(committed), Buffer.from(onnx))).toBe(0);
    expect(JSON.parse(await readFile(BUILTIN_UPSCALE_MANIFEST, "utf8"))).toEqual(manifest);
    expect(manifest.scale).toBe(4);
  });

  it("conversion check: ONNX Runtime and the TF.js reference agree within 0.01 of 255 on the same weights", async () => {
    const dir = path.join(BUILTIN_MODELS_DIR, UPSCALE_X4.source);
    const model = JSON.parse(await readFile(path.join(dir, "model.json"), "utf8")) as TfjsLayersModel;
    const shard = new Uint8Array(await readFile(path.join(dir, model.weightsManifest[0]!.paths[0]!)));
    await tf.setBackend("cpu");
    const ref = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: model.modelTopology,
        weightSpecs: model.weightsManifest[0]!.weights as tf.io.WeightsManifestEntry[],
        weightData: shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength),
      }),
    );
    const img = parent(20, 24);
    const { width: W, height: H } = img;
    const nhwc = Float32Array.from(img.data);
    const expected = (ref.predict(tf.tensor4d(nhwc, [1, H, W, 3])) as tf.Tensor).dataSync();
    const session = await ort.InferenceSession.create(builtinUpscale().onnx);
    const nchw = new Float32Array(3 * H * W);
    for (let i = 0; i < H * W; i++) for (let c = 0; c < 3; c++) nchw[c * H * W + i] = nhwc[i * 3 + c]!;
    const out = (await session.run({ input: new ort.Tensor("float32", nchw, [1, 3, H, W]) })).output!
      .data as Float32Array;
    const P = H * 4 * W * 4;
    let max = 0;
    for (let i = 0; i < P; i++)
      for (let c = 0; c < 3; c++) max = Math.max(max, Math.abs(expected[i * 3 + c]! - out[c * P + i]!));
    expect(max).toBeLessThan(0.01);
    await session.release();
    ref.dispose();
  });

  it("tiled = untiled within one level (overlap ≥ receptive radius), on a small image", async () => {
    const session = await ort.InferenceSession.create(builtinUpscale().onnx);
    const run = async (nchw: Float32Array, h: number, w: number) =>
      (await session.run({ input: new ort.Tensor("float32", nchw, [1, 3, h, w]) })).output!
        .data as Float32Array;
    const img = parent(44, 36);
    const whole = await upscaleTiled(img, run, { scale: 4, tile: 0, overlap: 0 });
    const tiled = await upscaleTiled(img, run, { scale: 4, tile: 16, overlap: 12 });
    const cut = await upscaleTiled(img, run, { scale: 4, tile: 16, overlap: 0 });
    let max = 0;
    let differing = 0;
    let cutMax = 0;
    for (let i = 0; i < whole.data.length; i++) {
      const d = Math.abs(whole.data[i]! - tiled.data[i]!);
      max = Math.max(max, d);
      if (d > 0) differing++;
      cutMax = Math.max(cutMax, Math.abs(whole.data[i]! - cut.data[i]!));
    }
    expect(tiled.width).toBe(176);
    expect(max).toBeLessThanOrEqual(1);
    expect(differing / whole.data.length).toBeLessThan(0.01);
    // the context matters: without it the tile seams differ (the test can tell)
    expect(cutMax).toBeGreaterThan(1);
    await session.release();
  });

  it("same parent → same bytes, twice and across a restart; a job without a parent image is refused", async () => {
    const img = parent(40, 40);
    const [a] = await rt.generate([{ prompt: "", seed: "0x01", parentImage: img }]);
    const [b] = await rt.generate([{ prompt: "", seed: "0x02", parentImage: img }]);
    const rt2 = await ModelRuntime.create(await loadManifest(BUILTIN_UPSCALE_MANIFEST), { provider: "cpu" });
    const [c] = await rt2.generate([{ prompt: "", seed: "0x01", parentImage: img }]);
    await rt2.close();
    expect(a!.width).toBe(160);
    expect(Buffer.from(a!.data).equals(Buffer.from(b!.data))).toBe(true);
    expect(Buffer.from(a!.data).equals(Buffer.from(c!.data))).toBe(true);
    await expect(rt.generate([{ prompt: "x", seed: "0x01" }])).rejects.toThrow(/names no parent image/);
  });

  it("an upscale job through the producer: parent in, ×4 watermarked PNG out, deterministic", async () => {
    const wm = await loadWatermark();
    const producer = upscaleProducer(rt, wm);
    const job = {
      prompt: "upscale",
      seed: "0x01" as const,
      watermarkId: 2n ** 55n + 9n,
      parentImage: await artCrop("golden marble", "0x05", 96),
    };
    const a = await producer.produce(job);
    const b = await producer.produce(job);
    expect(a.width).toBe(384);
    expect(a.payload).toBe(payloadFor(wm, job.watermarkId));
    expect(a.contentHash).toBe(b.contentHash);
  });

  it("an upscale ×4 of a marked 256² work carries the child's payload only: the parent is stripped before upscaling", async () => {
    const wm = await loadWatermark();
    const producer = upscaleProducer(rt, wm);
    const side = 256;
    const parentPayload = payloadFor(wm, 2n ** 50n + 1n);
    const parentImage = wm.embed(await artCrop("autumn forest valley", "0x07", side), parentPayload);
    const job = { prompt: "upscale", seed: "0x02" as const, watermarkId: 2n ** 50n + 2n, parentImage };
    const childPayload = payloadFor(wm, job.watermarkId);
    // the control: the upscale itself carries the parent's mark, found once scaled back
    const [upscaled] = await rt.generate([{ prompt: "upscale", seed: job.seed, parentImage }]);
    expect(wm.detect(await resizedTo(upscaled!, side))?.payload).toBe(parentPayload);
    const result = await producer.produce(job);
    expect(result.stages.strip).toBeGreaterThan(0);
    const child = await decodeImage(result.png);
    expect(child.width).toBe(4 * side);
    const reads = [
      wm.detect(child)?.payload,
      wm.detect(attacked(child))?.payload,
      wm.detect(await resizedTo(child, side))?.payload,
    ];
    expect(reads).not.toContain(parentPayload);
    expect(reads[0]).toBe(childPayload);
  });
});
