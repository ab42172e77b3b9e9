/**
 * Bridge to @atelier/watermark (packages/watermark): the small surface the node uses, statically
 * typed against the package so an API change fails the build.
 */
import * as wm from "@atelier/watermark";
import type { RawImage } from "./model/runtime.ts";

export interface Detection {
  payload: bigint;
  confidence: number;
  bitErrors: number;
}

export interface WatermarkEngine {
  embed(image: RawImage, payload: bigint, opts?: { psnr?: number }): RawImage;
  detect(image: RawImage): Detection | null;
  perceptualHash(image: RawImage): bigint;
  encodePayload(fields: { version: number; id: bigint }): bigint;
  PAYLOAD_VERSION: number;
}

const asBytes = (d: Uint8Array | Uint8ClampedArray): Uint8Array =>
  d instanceof Uint8Array ? d : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

export const watermarkEngine: WatermarkEngine = {
  embed(image, payload, opts) {
    const out = wm.embed(image, payload, opts?.psnr !== undefined ? { psnr: opts.psnr } : {});
    return { width: out.width, height: out.height, channels: out.channels, data: asBytes(out.data) };
  },
  detect: (image) => wm.detect(image),
  perceptualHash: (image) => wm.perceptualHash(image),
  encodePayload: (fields) => wm.encodePayload(fields),
  PAYLOAD_VERSION: wm.PAYLOAD_VERSION,
};

export async function loadWatermark(): Promise<WatermarkEngine> {
  return watermarkEngine;
}

/** The 64-bit payload a work's watermark carries: format version ‖ 56-bit watermark id. */
export function payloadFor(engine: WatermarkEngine, watermarkId: bigint): bigint {
  return engine.encodePayload({ version: engine.PAYLOAD_VERSION, id: watermarkId });
}
