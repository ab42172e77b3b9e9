/**
 * Bridge to @atelier/watermark (packages/watermark). Loaded dynamically and typed by the small
 * surface the node uses, so the node builds on its own and fails with a clear message if the
 * package is missing.
 */
import type { RawImage } from "./model/runtime.ts";

export interface Detection {
  payload: bigint;
  confidence: number;
  bitErrors: number;
}

export interface WatermarkEngine {
  embed(image: RawImage, payload: bigint): RawImage;
  detect(image: RawImage): Detection | null;
  perceptualHash(image: RawImage): bigint;
  encodePayload(fields: { version: number; id: bigint }): bigint;
  PAYLOAD_VERSION: number;
}

let cached: Promise<WatermarkEngine> | undefined;

export function loadWatermark(): Promise<WatermarkEngine> {
  cached ??= (async () => {
    const name = "@atelier/watermark";
    try {
      return (await import(/* @vite-ignore */ name)) as WatermarkEngine;
    } catch (err) {
      cached = undefined;
      throw new Error(`cannot load ${name}: ${(err as Error).message}`, { cause: err });
    }
  })();
  return cached;
}

/** The 64-bit payload a work's watermark carries: format version ‖ 56-bit watermark id. */
export function payloadFor(engine: WatermarkEngine, watermarkId: bigint): bigint {
  return engine.encodePayload({ version: engine.PAYLOAD_VERSION, id: watermarkId });
}
