/**
 * Messages between the Verify page and its two workers, and the reader that drives them. The detect
 * worker decodes the image once, hands a copy of the pixels to the hash worker over a MessageChannel,
 * and reads the watermark while the hash worker computes the perceptual hash, so the two run side by
 * side. Both workers are started (and their code warmed on a small image) when the page opens, not
 * when an image is dropped, and are kept for the next image.
 */
export interface VerifyRequest {
  type: "read";
  seq: number;
  blob: Blob;
}
/** Sent once at start: each worker's end of the channel between them; each answers `WorkerReady` once warm. */
export interface WorkerInit {
  type: "init";
  port?: MessagePort;
}
export interface WorkerReady {
  type: "ready";
  seq: 0;
}

export interface VerifyProgress {
  type: "progress";
  seq: number;
  step: "decode" | "watermark";
  message: string;
}

/** The detect worker's answer. */
export type DetectResult =
  | {
      type: "detected";
      seq: number;
      ok: true;
      width: number;
      height: number;
      watermarkId: string | null;
      version: number | null;
      confidence: number | null;
      decodeMs: number;
      detectMs: number;
    }
  | { type: "detected"; seq: number; ok: false; message: string };

/** The hash worker's answer (pixels from the detect worker: `HashJob`). */
export interface HashJob {
  seq: number;
  width: number;
  height: number;
  data: Uint8ClampedArray;
}
export type HashResult = {
  type: "hashed";
  seq: number;
  hashMs: number;
} & ({ /** 16 hex digits. */ perceptualHash: string } | { error: string });

export type VerifyResult =
  | {
      type: "result";
      ok: true;
      width: number;
      height: number;
      /** Decimal watermark id, or null when no Atelier mark was found. */
      watermarkId: string | null;
      version: number | null;
      confidence: number | null;
      /** 16 hex digits. */
      perceptualHash: string;
      /** From the request to both answers, measured on the page (includes any wait for a busy worker). */
      ms: number;
      /** Where the time went: decode (bitmap → RGBA pixels), watermark detection, perceptual hash (beside detection). */
      stages: { decodeMs: number; detectMs: number; hashMs: number };
    }
  | { type: "result"; ok: false; message: string };

type Waiting = {
  seq: number;
  started: number;
  onProgress: (p: VerifyProgress) => void;
  detected?: Extract<DetectResult, { ok: true }>;
  hashed?: Extract<HashResult, { perceptualHash: string }>;
  resolve: (r: VerifyResult) => void;
};

/** The page's side: one detect worker and one hash worker, reused image after image. */
export class VerifyReader {
  private readonly detector: Worker;
  private readonly hasher: Worker;
  private seq = 0;
  private waiting: Waiting | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private broken: string | null = null;
  private warm = 0;
  private onReady: () => void = () => {};
  /** Resolves when both workers have loaded and warmed their code (a read before that waits for it). */
  readonly ready = new Promise<void>((resolve) => (this.onReady = resolve));

  constructor() {
    this.detector = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    this.hasher = new Worker(new URL("./hash-worker.ts", import.meta.url), { type: "module" });
    const channel = new MessageChannel();
    this.detector.postMessage({ type: "init", port: channel.port1 } satisfies WorkerInit, [channel.port1]);
    this.hasher.postMessage({ type: "init", port: channel.port2 } satisfies WorkerInit, [channel.port2]);
    this.detector.onmessage = (e: MessageEvent<VerifyProgress | DetectResult | WorkerReady>) =>
      this.onMessage(e.data);
    this.hasher.onmessage = (e: MessageEvent<HashResult | WorkerReady>) => this.onMessage(e.data);
    const fail = (event: ErrorEvent) => {
      this.broken = `The image reader stopped: ${event.message}`;
      this.finish({ type: "result", ok: false, message: this.broken });
    };
    this.detector.onerror = fail;
    this.hasher.onerror = fail;
  }

  /** Reads one image (one at a time: a second call waits for the first). */
  read(blob: Blob, onProgress: (p: VerifyProgress) => void): Promise<VerifyResult> {
    const run = this.queue.then(
      () =>
        new Promise<VerifyResult>((resolve) => {
          if (this.broken) return resolve({ type: "result", ok: false, message: this.broken });
          const seq = ++this.seq;
          this.waiting = { seq, started: performance.now(), onProgress, resolve };
          this.detector.postMessage({ type: "read", seq, blob } satisfies VerifyRequest);
        }),
    );
    this.queue = run;
    return run;
  }

  close(): void {
    this.detector.terminate();
    this.hasher.terminate();
  }

  private onMessage(m: VerifyProgress | DetectResult | HashResult | WorkerReady): void {
    if (m.type === "ready") {
      if (++this.warm === 2) this.onReady();
      return;
    }
    const w = this.waiting;
    if (!w || m.seq !== w.seq) return; // a warm-up's or an abandoned read's answer
    if (m.type === "progress") return w.onProgress(m);
    if (m.type === "detected") {
      if (!m.ok) return this.finish({ type: "result", ok: false, message: m.message });
      w.detected = m;
    } else {
      if ("error" in m) return this.finish({ type: "result", ok: false, message: m.error });
      w.hashed = m;
    }
    if (!w.detected || !w.hashed) return;
    const d = w.detected;
    this.finish({
      type: "result",
      ok: true,
      width: d.width,
      height: d.height,
      watermarkId: d.watermarkId,
      version: d.version,
      confidence: d.confidence,
      perceptualHash: w.hashed.perceptualHash,
      ms: performance.now() - w.started,
      stages: { decodeMs: d.decodeMs, detectMs: d.detectMs, hashMs: w.hashed.hashMs },
    });
  }

  private finish(result: VerifyResult): void {
    const w = this.waiting;
    this.waiting = null;
    w?.resolve(result);
  }
}

/** SHA-256 of the exact file bytes (the protocol's content hash), as 0x-hex. */
export async function contentHash(blob: Blob): Promise<`0x${string}`> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await blob.arrayBuffer()));
  return `0x${Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
