/**
 * Output safety check: an nsfwjs classifier (weights ship inside the npm package; MobileNetV2Mid by default)
 * run through TensorFlow.js. Backend: `@tensorflow/tfjs-node-gpu` when the operator installed it
 * (loaded dynamically, never a dependency: it downloads libtensorflow at install), else the wasm
 * backend bundled with `@tensorflow/tfjs-backend-wasm`.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import sharp from "sharp";
import type { RawImage } from "../model/runtime.ts";

export interface SafetyVerdict {
  unsafe: boolean;
  /** P(Porn) + P(Hentai), in [0, 1] */
  score: number;
  classes: Record<string, number>;
}

export interface ImageClassifier {
  readonly backend: string;
  check(image: RawImage): Promise<SafetyVerdict>;
}

type Tf = typeof import("@tensorflow/tfjs");

/** Models bundled in the nsfwjs package (MobileNetV2Mid: fewest false positives on abstract art, ~33 ms). */
export type NsfwModelName = "MobileNetV2" | "MobileNetV2Mid" | "InceptionV3";

/**
 * `@tensorflow/tfjs-node-gpu` from the node's own dependencies, else from the prefix `npm run gpu:setup`
 * installs it into (outside the tracked lock file). TF.js keeps one engine per process, so the backend
 * registers with the `@tensorflow/tfjs` the node uses even from another copy of the package.
 */
async function importTfjsNodeGpu(gpuPrefix: string | undefined): Promise<void> {
  const mod = "@tensorflow/tfjs-node-gpu";
  try {
    await import(/* @vite-ignore */ mod);
    return;
  } catch (err) {
    if (!gpuPrefix) throw err;
  }
  const resolved = createRequire(path.join(gpuPrefix, "package.json")).resolve(mod);
  await import(/* @vite-ignore */ pathToFileURL(resolved).href);
}

async function initTf(
  prefer: "auto" | "wasm" | "tfjs-node-gpu",
  gpuPrefix?: string,
): Promise<{ tf: Tf; backend: string }> {
  const tf = await import("@tensorflow/tfjs");
  if (prefer !== "wasm") {
    try {
      // Optional accelerated backend: only present after `npm run gpu:setup` (or `npm i @tensorflow/tfjs-node-gpu`).
      await importTfjsNodeGpu(gpuPrefix);
      await tf.setBackend("tensorflow");
      await tf.ready();
      return { tf, backend: "tfjs-node-gpu" };
    } catch (err) {
      if (prefer === "tfjs-node-gpu")
        throw new Error(`@tensorflow/tfjs-node-gpu requested but not loadable: ${(err as Error).message}`, {
          cause: err,
        });
    }
  }
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
  wasm.setWasmPaths(dist + path.sep);
  await tf.setBackend("wasm");
  await tf.ready();
  return { tf, backend: "wasm" };
}

interface NsfwModel {
  classify(img: unknown, topk?: number): Promise<{ className: string; probability: number }[]>;
}

async function loadNsfwModel(name: NsfwModelName): Promise<{ model: NsfwModel; size: number }> {
  const nsfwjs = await import("nsfwjs");
  // nsfwjs prints a hosting hint with console.log: keep stdout pure JSON logs
  const log = console.log;
  console.log = () => undefined;
  try {
    const size = name === "InceptionV3" ? 299 : 224;
    const model = name === "InceptionV3" ? await nsfwjs.load(name, { size }) : await nsfwjs.load(name);
    return { model: model as unknown as NsfwModel, size };
  } finally {
    console.log = log;
  }
}

/**
 * P(porn) + P(hentai) from the primary model; when that reaches the threshold and a confirming
 * model is configured, the output is unsafe only if the confirming model agrees. Single classifiers
 * misfire on abstract generative art (measured: 1–3% of CPPN outputs score ≥ 0.9 on one
 * MobileNet); two independent models rarely misfire together, and the second one only runs on the
 * few flagged images.
 */
export class NsfwClassifier implements ImageClassifier {
  private confirmModel: Promise<{ model: NsfwModel; size: number }> | undefined;

  private constructor(
    private readonly tf: Tf,
    private readonly primary: { model: NsfwModel; size: number },
    readonly backend: string,
    private readonly threshold: number,
    private readonly confirmName: NsfwModelName | "none",
  ) {}

  static async load(opts: {
    threshold: number;
    backend?: "auto" | "wasm" | "tfjs-node-gpu";
    model?: NsfwModelName;
    confirmModel?: NsfwModelName | "none";
    /** where `npm run gpu:setup` installed `@tensorflow/tfjs-node-gpu` (`<dataDir>/gpu`) */
    gpuPrefix?: string;
  }): Promise<NsfwClassifier> {
    const { tf, backend } = await initTf(opts.backend ?? "auto", opts.gpuPrefix);
    const primary = await loadNsfwModel(opts.model ?? "MobileNetV2Mid");
    // the confirming model (InceptionV3 by default, ~90 MB of weights per worker) loads when the
    // first image is flagged: few are, and every worker holding it from the start cost more memory
    // than any other part of a producer
    return new NsfwClassifier(tf, primary, backend, opts.threshold, opts.confirmModel ?? "InceptionV3");
  }

  private async score(
    image: RawImage,
    m: { model: NsfwModel; size: number },
  ): Promise<{ score: number; classes: Record<string, number> }> {
    // downsample to the classifier's input natively (libuv pool) instead of in TF.js
    const small = await sharp(image.data, {
      raw: { width: image.width, height: image.height, channels: image.channels },
    })
      .removeAlpha()
      .resize(m.size, m.size, { fit: "fill", kernel: "linear" })
      .raw()
      .toBuffer();
    const input = this.tf.tensor3d(new Int32Array(small), [m.size, m.size, 3], "int32");
    try {
      const preds = await m.model.classify(input, 5);
      const classes: Record<string, number> = {};
      for (const p of preds) classes[p.className] = p.probability;
      return { score: (classes.Porn ?? 0) + (classes.Hentai ?? 0), classes };
    } finally {
      input.dispose();
    }
  }

  async check(image: RawImage): Promise<SafetyVerdict> {
    const first = await this.score(image, this.primary);
    if (first.score < this.threshold || this.confirmName === "none") {
      return { unsafe: first.score >= this.threshold, score: first.score, classes: first.classes };
    }
    this.confirmModel ??= loadNsfwModel(this.confirmName);
    this.confirmModel.catch(() => (this.confirmModel = undefined)); // a failed load is retried next time
    const second = await this.score(image, await this.confirmModel);
    const score = Math.min(first.score, second.score);
    return { unsafe: score >= this.threshold, score, classes: second.classes };
  }
}

/** A classifier that passes everything (safety.enabled = false). */
export const noopClassifier: ImageClassifier = {
  backend: "disabled",
  check: async () => ({ unsafe: false, score: 0, classes: {} }),
};
