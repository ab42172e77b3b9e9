/** The perceptual hash of the pixels the detect worker decoded (sent over their channel), beside detection. */
import { perceptualHash } from "@atelier/watermark";
import type { HashJob, HashResult, WorkerInit, WorkerReady } from "./protocol.ts";
import { warmupImage } from "./warmup.ts";

const post = (message: HashResult | WorkerReady) => (self as unknown as Worker).postMessage(message);

self.onmessage = (event: MessageEvent<WorkerInit>) => {
  if (event.data.type !== "init" || !event.data.port) return;
  perceptualHash(warmupImage());
  post({ type: "ready", seq: 0 });
  event.data.port.onmessage = (e: MessageEvent<HashJob>) => {
    const started = performance.now();
    const { seq, width, height, data } = e.data;
    try {
      const phash = perceptualHash({ width, height, channels: 4, data });
      post({
        type: "hashed",
        seq,
        perceptualHash: phash.toString(16).padStart(16, "0"),
        hashMs: performance.now() - started,
      });
    } catch (error) {
      const message = `The perceptual hash could not be computed: ${error instanceof Error ? error.message : String(error)}`;
      post({ type: "hashed", seq, error: message, hashMs: performance.now() - started });
    }
  };
};
