/**
 * ONNX Runtime session wrapper: picks the execution provider at start (CUDA when its binaries are
 * installed and load, CPU otherwise), reports it, and runs batches of generation requests.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { artFeeds } from "./art/feeds.ts";
import { upscaleTiled } from "./esrgan/tiling.ts";
import { conditionFor, writeCoords } from "./conditioning.ts";
import type { LoadedManifest, ModelManifest } from "./manifest.ts";

export type ProviderChoice = "auto" | "cuda" | "cpu";
export type Provider = "cuda" | "cpu";

export interface RawImage {
  width: number;
  height: number;
  channels: 3 | 4;
  data: Uint8Array;
}

export interface GenerateRequest {
  prompt: string;
  /** job seed, hex */
  seed: string;
  /** variation of an earlier work of this (art) model: the parent's prompt and seed */
  variationOf?: { prompt: string; seed: string };
  /** image-to-image models (kind "upscale"): the parent work's decoded image */
  parentImage?: RawImage;
}

/** Whether onnxruntime-node's CUDA execution provider binaries are installed next to the binding. */
export function cudaBinariesPresent(): boolean {
  try {
    const require = createRequire(import.meta.url);
    const root = path.dirname(require.resolve("onnxruntime-node/package.json"));
    return existsSync(
      path.join(root, "bin", "napi-v6", process.platform, process.arch, "libonnxruntime_providers_cuda.so"),
    );
  } catch {
    return false;
  }
}

export class ModelRuntime {
  private constructor(
    readonly loaded: LoadedManifest,
    private readonly session: ort.InferenceSession,
    readonly provider: Provider,
    /** why CUDA was not used in `auto` mode although its binaries are installed (reported, not swallowed) */
    readonly providerError?: string,
  ) {}

  get manifest(): ModelManifest {
    return this.loaded.manifest;
  }

  static async create(
    loaded: LoadedManifest,
    opts: { provider?: ProviderChoice; threads?: number; cudaDeviceId?: number } = {},
  ): Promise<ModelRuntime> {
    const choice = opts.provider ?? "auto";
    const base: ort.InferenceSession.SessionOptions = {
      intraOpNumThreads: opts.threads ?? 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: "all",
    };
    let providerError: string | undefined;
    if (choice === "cuda" || (choice === "auto" && cudaBinariesPresent())) {
      try {
        const session = await ort.InferenceSession.create(loaded.onnx, {
          ...base,
          executionProviders: [{ name: "cuda", deviceId: opts.cudaDeviceId ?? 0 }],
        });
        return new ModelRuntime(loaded, session, "cuda");
      } catch (err) {
        if (choice === "cuda")
          throw new Error(`CUDA execution provider requested but unavailable: ${(err as Error).message}`, {
            cause: err,
          });
        providerError = `CUDA execution provider failed to load, using CPU: ${(err as Error).message.split("\n")[0]}`;
      }
    }
    const session = await ort.InferenceSession.create(loaded.onnx, { ...base, executionProviders: ["cpu"] });
    return new ModelRuntime(loaded, session, "cpu", providerError);
  }

  /** Generates one image per request; runs them in batches of at most `maxBatch`. */
  async generate(requests: GenerateRequest[]): Promise<RawImage[]> {
    if (this.manifest.kind === "upscale") return Promise.all(requests.map((r) => this.upscale(r)));
    const out: RawImage[] = [];
    const max = this.manifest.maxBatch;
    for (let i = 0; i < requests.length; i += max)
      out.push(...(await this.runBatch(requests.slice(i, i + max))));
    return out;
  }

  /** Image-to-image: the parent image, tiled (see esrgan/tiling.ts). Sequential per tile. */
  private async upscale(req: GenerateRequest): Promise<RawImage> {
    const m = this.manifest;
    const img = req.parentImage;
    if (!img) throw new Error(`model ${m.name} upscales a parent work: the job names no parent image`);
    const input = m.inputs.image!;
    const run = async (nchw: Float32Array, h: number, w: number) => {
      const result = await this.session.run({ [input]: new ort.Tensor("float32", nchw, [1, 3, h, w]) });
      const t = result[m.output.name];
      if (!t) throw new Error(`model ${m.name} produced no output named ${m.output.name}`);
      return t.data as Float32Array;
    };
    return upscaleTiled(img, run, {
      scale: m.scale!,
      tile: m.tile?.size ?? 0,
      overlap: m.tile?.overlap ?? 0,
    });
  }

  /** Input tensors for a batch: the art model's own conditioning, or the CPPN/latent convention. */
  private feedsFor(reqs: GenerateRequest[]): Record<string, ort.Tensor> {
    const m = this.manifest;
    if (m.kind === "art") return artFeeds(reqs, m);
    if (reqs.some((r) => r.variationOf))
      throw new Error(`model ${m.name} (kind ${m.kind}) cannot make variations; only kind "art" can`);
    const { width, height } = m.resolution;
    const P = width * height;
    const B = reqs.length;
    const Z = m.latentDim;
    const latent = new Float32Array(B * Z);
    const palette = new Float32Array(B * 9);
    const coords = m.inputs.coords ? new Float32Array(B * P * 3) : undefined;
    reqs.forEach((r, b) => {
      const c = conditionFor(r.prompt, r.seed, Z);
      latent.set(c.latent, b * Z);
      palette.set(c.palette, b * 9);
      if (coords) writeCoords(c.structure, width, height, coords, b * P * 3);
    });
    const feeds: Record<string, ort.Tensor> = {
      [m.inputs.latent!]: new ort.Tensor("float32", latent, m.latentRank === 3 ? [B, 1, Z] : [B, Z]),
    };
    if (m.inputs.coords && coords) feeds[m.inputs.coords] = new ort.Tensor("float32", coords, [B, P, 3]);
    if (m.inputs.palette) feeds[m.inputs.palette] = new ort.Tensor("float32", palette, [B, 3, 3]);
    return feeds;
  }

  private async runBatch(reqs: GenerateRequest[]): Promise<RawImage[]> {
    const m = this.manifest;
    const { width, height } = m.resolution;
    const P = width * height;
    const B = reqs.length;
    const result = await this.session.run(this.feedsFor(reqs));
    const tensor = result[m.output.name];
    if (!tensor) throw new Error(`model ${m.name} produced no output named ${m.output.name}`);
    const data = tensor.data as Float32Array;
    const channels = Math.round(data.length / (B * P));
    if (data.length !== B * P * channels || channels < 1 || channels > 4) {
      throw new Error(
        `model ${m.name}: output ${m.output.name} has ${data.length} values, expected ${B}×${P}×${channels}`,
      );
    }
    const toByte =
      m.output.range === "unit"
        ? (v: number) => v * 255
        : m.output.range === "signed"
          ? (v: number) => (v + 1) * 127.5
          : (v: number) => v;
    const images: RawImage[] = [];
    if (m.output.range === "unit" && m.output.layout !== "NCHW" && channels === 3) {
      // the common case, without per-value closures: round half up, clamp (the quantisation that
      // makes the bytes exact wherever the float output agrees to within half a level)
      for (let b = 0; b < B; b++) {
        const px = new Uint8Array(P * 3);
        const base = b * P * 3;
        for (let i = 0; i < P * 3; i++) {
          const v = Math.round((data[base + i] ?? 0) * 255);
          px[i] = v < 0 ? 0 : v > 255 ? 255 : v;
        }
        images.push({ width, height, channels: 3, data: px });
      }
      return images;
    }
    for (let b = 0; b < B; b++) {
      const px = new Uint8Array(P * 3);
      for (let p = 0; p < P; p++) {
        for (let c = 0; c < 3; c++) {
          const ch = Math.min(c, channels - 1);
          const idx =
            m.output.layout === "NCHW" ? b * channels * P + ch * P + p : (b * P + p) * channels + ch;
          const v = Math.round(toByte(data[idx] ?? 0));
          px[p * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : v;
        }
      }
      images.push({ width, height, channels: 3, data: px });
    }
    return images;
  }

  /**
   * One throw-away run so the first job does not pay for ORT's lazy initialisation (kernel choice,
   * arena growth): a generation at the model's resolution, or an upscale of a small grey image.
   */
  async warmUp(): Promise<number> {
    const t0 = performance.now();
    const grey: RawImage = {
      width: 32,
      height: 32,
      channels: 3,
      data: new Uint8Array(32 * 32 * 3).fill(128),
    };
    await this.generate([
      this.manifest.kind === "upscale"
        ? { prompt: "", seed: "0x00", parentImage: grey }
        : { prompt: "warm up", seed: "0x00" },
    ]);
    return performance.now() - t0;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
