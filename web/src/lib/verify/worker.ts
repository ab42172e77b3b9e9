/**
 * Reads an image's watermark and perceptual hash off the main thread. The image never leaves the
 * browser: only the numbers found are sent on (as the Verify page's URL).
 */
import { decodePayload, detect, perceptualHash, type RawImage } from "@atelier/watermark";
import type { VerifyProgress, VerifyRequest, VerifyResult } from "./protocol.ts";

/** The longest side decoded: larger photos are scaled down (the mark survives resizing). */
const MAX_DECODE_SIDE = 2048;

const post = (message: VerifyProgress | VerifyResult) => (self as unknown as Worker).postMessage(message);

async function decode(blob: Blob): Promise<RawImage> {
  const probe = await createImageBitmap(blob);
  const scale = Math.min(1, MAX_DECODE_SIDE / Math.max(probe.width, probe.height));
  const width = Math.max(1, Math.round(probe.width * scale));
  const height = Math.max(1, Math.round(probe.height * scale));
  let bitmap = probe;
  if (scale < 1) {
    probe.close();
    bitmap = await createImageBitmap(blob, {
      resizeWidth: width,
      resizeHeight: height,
      resizeQuality: "high",
    });
  }
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  if (!ctx) throw new Error("this browser cannot read image pixels (no 2D canvas in workers)");
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const { data } = ctx.getImageData(0, 0, width, height);
  return { width, height, channels: 4, data };
}

self.onmessage = async (event: MessageEvent<VerifyRequest>) => {
  const started = performance.now();
  try {
    post({ type: "progress", step: "decode", message: "Decoding the image…" });
    const image = await decode(event.data.blob);
    const decoded = performance.now();
    post({
      type: "progress",
      step: "watermark",
      message: `Reading the watermark (${image.width}×${image.height})…`,
    });
    const detected = detect(image);
    const detectedAt = performance.now();
    post({ type: "progress", step: "hash", message: "Computing the perceptual hash…" });
    const phash = perceptualHash(image);
    const hashed = performance.now();
    post({
      type: "result",
      ok: true,
      width: image.width,
      height: image.height,
      watermarkId: detected ? decodePayload(detected.payload).id.toString() : null,
      version: detected ? decodePayload(detected.payload).version : null,
      confidence: detected?.confidence ?? null,
      perceptualHash: phash.toString(16).padStart(16, "0"),
      ms: hashed - started,
      stages: { decodeMs: decoded - started, detectMs: detectedAt - decoded, hashMs: hashed - detectedAt },
    });
  } catch (error) {
    post({
      type: "result",
      ok: false,
      message:
        error instanceof Error && error.name === "InvalidStateError"
          ? "This file is not an image the browser can decode (try a PNG, JPEG or WebP)."
          : `The image could not be read: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
};
