/**
 * Decodes the image once and reads its watermark off the main thread; a copy of the pixels goes to
 * the hash worker first, so the perceptual hash is computed at the same time. The image never leaves
 * the browser: only the numbers found are sent on (as the Verify page's URL).
 */
import { decodePayload, detect, type RawImage } from "@atelier/watermark";
import type {
  DetectResult,
  HashJob,
  VerifyProgress,
  VerifyRequest,
  WorkerInit,
  WorkerReady,
} from "./protocol.ts";
import { warmupImage } from "./warmup.ts";

/** The longest side decoded: larger photos are scaled down (the mark survives resizing). */
const MAX_DECODE_SIDE = 2048;

const post = (message: VerifyProgress | DetectResult) => (self as unknown as Worker).postMessage(message);
let hasher: MessagePort | undefined;

async function decode(blob: Blob): Promise<RawImage & { data: Uint8ClampedArray }> {
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

async function read({ seq, blob }: VerifyRequest): Promise<void> {
  const started = performance.now();
  try {
    post({ type: "progress", seq, step: "decode", message: "Decoding the image…" });
    const image = await decode(blob);
    const decoded = performance.now();
    // The hash worker gets its own copy (transferred, so the copy is the only cost) and starts at once.
    const copy = image.data.slice();
    hasher!.postMessage({ seq, width: image.width, height: image.height, data: copy } satisfies HashJob, [
      copy.buffer,
    ]);
    post({
      type: "progress",
      seq,
      step: "watermark",
      message: `Reading the watermark and the perceptual hash (${image.width}×${image.height})…`,
    });
    const detected = detect(image);
    const payload = detected ? decodePayload(detected.payload) : null;
    post({
      type: "detected",
      seq,
      ok: true,
      width: image.width,
      height: image.height,
      watermarkId: payload ? payload.id.toString() : null,
      version: payload ? payload.version : null,
      confidence: detected?.confidence ?? null,
      decodeMs: decoded - started,
      detectMs: performance.now() - decoded,
    });
  } catch (error) {
    post({
      type: "detected",
      seq,
      ok: false,
      message:
        error instanceof Error && error.name === "InvalidStateError"
          ? "This file is not an image the browser can decode (try a PNG, JPEG or WebP)."
          : `The image could not be read: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}

self.onmessage = (event: MessageEvent<WorkerInit | VerifyRequest>) => {
  const m = event.data;
  if (m.type === "init") {
    hasher = m.port;
    detect(warmupImage());
    (self as unknown as Worker).postMessage({ type: "ready", seq: 0 } satisfies WorkerReady);
    return;
  }
  void read(m);
};
