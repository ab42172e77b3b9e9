/**
 * CNN embeddings for the quality sheet's second diversity measure: the dApp's image embedder
 * (`@atelier/query/discovery`: the ImageNet MobileNetV2 backbone shipped in nsfwjs, 1280-d pooled
 * features, TF.js wasm), fed 224² RGB resized by sharp.
 */
import { cosine, ImageEmbedder } from "@atelier/query/discovery";
import sharp from "sharp";
import { meanPairwise } from "../src/model/quality.ts";
import type { RawImage } from "../src/model/runtime.ts";

let embedder: Promise<ImageEmbedder> | undefined;

export async function embedImages(images: RawImage[]): Promise<Float32Array[]> {
  embedder ??= ImageEmbedder.load();
  const e = await embedder;
  const out: Float32Array[] = [];
  for (const im of images) {
    const rgb = await sharp(Buffer.from(im.data), {
      raw: { width: im.width, height: im.height, channels: im.channels as 3 },
    })
      .resize(224, 224, { fit: "fill", kernel: "linear" })
      .raw()
      .toBuffer();
    out.push(e.embedPixels(new Uint8Array(rgb)));
  }
  return out;
}

/** Mean of 1 − cos over all pairs. */
export function meanPairwiseCosineDistance(v: Float32Array[]): number {
  return meanPairwise(v, (a, b) => 1 - cosine(a, b));
}

/** Mean of 1 − cos between a[i] and b[i]. */
export function meanPairedCosineDistance(a: Float32Array[], b: Float32Array[]): number {
  return a.reduce((s, x, i) => s + 1 - cosine(x, b[i]!), 0) / a.length;
}
