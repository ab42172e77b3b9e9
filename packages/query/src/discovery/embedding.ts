/**
 * Image embeddings for "more like this": the ImageNet-trained MobileNetV2 backbone that ships inside
 * the `nsfwjs` npm package (weights in the tarball, nothing downloaded at run time), cut at its
 * 1280-d pooled features (`flatten_1`, before the NSFW head), run by TensorFlow.js on the wasm backend.
 * Images are decoded and resized to 224² by sharp (libvips), then scaled to [0, 1] as nsfwjs does.
 */
import { createRequire } from "node:module";
import path from "node:path";

type Tf = typeof import("@tensorflow/tfjs");
type LayersModel = import("@tensorflow/tfjs").LayersModel;

import { EMBEDDING_DIMENSIONS, EMBEDDING_MODEL } from "./embedding-model.ts";

export { EMBEDDING_DIMENSIONS, EMBEDDING_MODEL };
const INPUT_SIZE = 224;
const FEATURE_LAYER = "flatten_1";

let tfReady: Promise<Tf> | undefined;

/** One TF.js engine per process: the wasm backend, set once. */
function loadTf(): Promise<Tf> {
  tfReady ??= (async () => {
    const tf = await import("@tensorflow/tfjs");
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    const require = createRequire(import.meta.url);
    const dist = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
    wasm.setWasmPaths(dist + path.sep);
    await tf.setBackend("wasm");
    await tf.ready();
    return tf;
  })();
  return tfReady;
}

export class ImageEmbedder {
  readonly model = EMBEDDING_MODEL;
  readonly dimensions = EMBEDDING_DIMENSIONS;

  private constructor(
    private readonly tf: Tf,
    private readonly features: LayersModel,
  ) {}

  static async load(): Promise<ImageEmbedder> {
    const tf = await loadTf();
    const nsfwjs = await import("nsfwjs");
    // nsfwjs prints a hosting hint with console.info; keep the caller's stdout clean (JSON output).
    const info = console.info;
    console.info = () => undefined;
    let classifier: { model: LayersModel };
    try {
      classifier = (await nsfwjs.load("MobileNetV2")) as unknown as { model: LayersModel };
    } finally {
      console.info = info;
    }
    const full = classifier.model;
    const features = tf.model({ inputs: full.inputs, outputs: full.getLayer(FEATURE_LAYER).output });
    return new ImageEmbedder(tf, features as LayersModel);
  }

  /**
   * The L2-normalised embedding of an encoded image (PNG, JPEG, WebP, … anything sharp decodes).
   * Throws with the decoder's reason when the bytes are not an image.
   */
  async embed(encoded: Uint8Array): Promise<Float32Array> {
    // Loaded on first use: importing the discovery module (e.g. for the embeddings feed) loads no codec.
    const { default: sharp } = await import("sharp");
    let pixels: Buffer;
    try {
      pixels = await sharp(encoded)
        .removeAlpha()
        .toColourspace("srgb")
        .resize(INPUT_SIZE, INPUT_SIZE, { fit: "fill", kernel: "linear" })
        .raw()
        .toBuffer();
    } catch (error) {
      throw new Error(`not a decodable image (${(error as Error).message}); embed PNG, JPEG or WebP bytes`, {
        cause: error,
      });
    }
    return this.embedPixels(pixels);
  }

  /** The embedding of 224×224 RGB pixels (row-major, 3 bytes a pixel). */
  embedPixels(rgb: Uint8Array): Float32Array {
    const expected = INPUT_SIZE * INPUT_SIZE * 3;
    if (rgb.length !== expected)
      throw new Error(
        `expected ${expected} bytes of 224×224 RGB, got ${rgb.length}; use embed() for encoded images`,
      );
    const tf = this.tf;
    const vector = tf.tidy(() => {
      const input = tf.tensor4d(
        Float32Array.from(rgb, (v) => v / 255),
        [1, INPUT_SIZE, INPUT_SIZE, 3],
      );
      return (this.features.predict(input) as import("@tensorflow/tfjs").Tensor).dataSync() as Float32Array;
    });
    return normalised(vector);
  }
}

function normalised(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  return v.map((x) => x / norm);
}

/** Cosine similarity of two embeddings (1 = same direction). */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`embeddings differ in length: ${a.length} vs ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / (Math.sqrt(na * nb) || 1);
}
