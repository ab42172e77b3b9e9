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

export interface VerifiedMark {
  image: RawImage;
  /** ok: reads back, also after 0.5× + JPEG q75; weak: reads back only as it is; failed: does not read back */
  verdict: "ok" | "weak" | "failed";
  reason?: string;
}

export interface MarkOptions {
  psnr?: number;
  /**
   * "replace": the image may carry another work's mark: detect it and subtract it before embedding.
   * Costs one detect per embed, and finds only a mark at a scale the detector searches; the node
   * strips a parent before upscaling it instead (`removeMark`). Default "ignore".
   */
  existing?: "ignore" | "replace";
}

export interface WatermarkEngine {
  /** The marked image; throws when the mark cannot be read back (verdict "failed", with its reason). */
  embed(image: RawImage, payload: bigint, opts?: MarkOptions): RawImage;
  /** Embeds and reports the library's verdict (the self-check and local strengthening of @atelier/watermark). */
  embedVerified(image: RawImage, payload: bigint, opts?: MarkOptions): VerifiedMark;
  detect(image: RawImage): Detection | null;
  /** Finds the image's mark (one detect) and subtracts it; `removed` null: none found, image unchanged. */
  removeMark(image: RawImage): { image: RawImage; removed: Detection | null };
  perceptualHash(image: RawImage): bigint;
  encodePayload(fields: { version: number; id: bigint }): bigint;
  PAYLOAD_VERSION: number;
}

const asBytes = (d: Uint8Array | Uint8ClampedArray): Uint8Array =>
  d instanceof Uint8Array ? d : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

export const watermarkEngine: WatermarkEngine = {
  embed(image, payload, opts) {
    const r = watermarkEngine.embedVerified(image, payload, opts);
    // "weak" still reads back and is kept (content hash and pHash carry provenance too);
    // "failed" would mint a work whose mark cannot identify it
    if (r.verdict === "failed") throw new Error(`watermark embed failed: ${r.reason ?? "no read-back"}`);
    return r.image;
  },
  embedVerified(image, payload, opts) {
    const r = wm.embedVerified(image, payload, {
      ...(opts?.psnr !== undefined ? { psnr: opts.psnr } : {}),
      ...(opts?.existing === "replace" ? { existing: "replace" as const } : {}),
    });
    const out = r.image;
    return {
      image: { width: out.width, height: out.height, channels: out.channels, data: asBytes(out.data) },
      verdict: r.verdict,
      ...(r.reason ? { reason: r.reason } : {}),
    };
  },
  detect: (image) => wm.detect(image),
  removeMark(image) {
    const r = wm.removeMark(image);
    const out = r.image;
    return {
      image: { width: out.width, height: out.height, channels: out.channels, data: asBytes(out.data) },
      removed: r.removed,
    };
  },
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
