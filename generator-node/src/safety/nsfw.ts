/**
 * Output safety check: an nsfwjs classifier (weights ship inside the npm package; MobileNetV2Mid by default)
 * run through TensorFlow.js. Backend: `@tensorflow/tfjs-node-gpu` when the operator installed it
 * (loaded dynamically, never a dependency: it downloads libtensorflow at install), else the wasm
 * backend bundled with `@tensorflow/tfjs-backend-wasm`.
 */
import { createRequire } from "node:module";
import path from "node:path";
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

async function initTf(prefer: "auto" | "wasm" | "tfjs-node-gpu"): Promise<{ tf: Tf; backend: string }> {
  const tf = await import("@tensorflow/tfjs");
  if (prefer !== "wasm") {
    try {
      // Optional accelerated backend: only present when the operator ran `npm i @tensorflow/tfjs-node-gpu`.
      const mod = "@tensorflow/tfjs-node-gpu";
      await import(/* @vite-ignore */ mod);
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

export class NsfwClassifier implements ImageClassifier {
  private constructor(
    private readonly tf: Tf,
    private readonly model: {
      classify(img: unknown, topk?: number): Promise<{ className: string; probability: number }[]>;
    },
    readonly backend: string,
    private readonly threshold: number,
  ) {}

  static async load(opts: {
    threshold: number;
    backend?: "auto" | "wasm" | "tfjs-node-gpu";
    model?: NsfwModelName;
  }): Promise<NsfwClassifier> {
    const { tf, backend } = await initTf(opts.backend ?? "auto");
    const nsfwjs = await import("nsfwjs");
    // nsfwjs prints a hosting hint with console.log: keep stdout pure JSON logs
    const log = console.log;
    console.log = () => undefined;
    let model;
    try {
      const name = opts.model ?? "MobileNetV2Mid";
      model = name === "InceptionV3" ? await nsfwjs.load(name, { size: 299 }) : await nsfwjs.load(name);
    } finally {
      console.log = log;
    }
    return new NsfwClassifier(tf, model as never, backend, opts.threshold);
  }

  async check(image: RawImage): Promise<SafetyVerdict> {
    const { tf } = this;
    // downsample to the classifier's 224² input natively (libuv pool) instead of in TF.js
    const small = await sharp(image.data, {
      raw: { width: image.width, height: image.height, channels: image.channels },
    })
      .removeAlpha()
      .resize(224, 224, { fit: "fill", kernel: "linear" })
      .raw()
      .toBuffer();
    const input = tf.tensor3d(new Int32Array(small), [224, 224, 3], "int32");
    try {
      const preds = await this.model.classify(input, 5);
      const classes: Record<string, number> = {};
      for (const p of preds) classes[p.className] = p.probability;
      const score = (classes.Porn ?? 0) + (classes.Hentai ?? 0);
      return { unsafe: score >= this.threshold, score, classes };
    } finally {
      input.dispose();
    }
  }
}

/** A classifier that passes everything (safety.enabled = false). */
export const noopClassifier: ImageClassifier = {
  backend: "disabled",
  check: async () => ({ unsafe: false, score: 0, classes: {} }),
};
