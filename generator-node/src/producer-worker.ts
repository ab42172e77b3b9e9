/**
 * `WorkerProducer`: image production (see `producer.ts`) in a worker thread — onnxruntime-node's `run`,
 * the TF.js wasm classifier and the watermark are synchronous CPU work — so the main thread stays free
 * for chain I/O and storage. This file is also the worker's entry point.
 */
import { fileURLToPath } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { routeConsoleToStderr } from "./logger.ts";
import type { LoadedManifest, ModelManifest } from "./model/manifest.ts";
import type { Provider } from "./model/runtime.ts";
import {
  UnsafeOutputError,
  WatermarkVerifyError,
  createInProcessProducer,
  type ImageProducer,
  type ImageRequest,
  type ImageResult,
  type ProducerOptions,
} from "./producer.ts";

type WireError =
  | { kind: "unsafe"; score: number }
  | { kind: "watermark"; message: string }
  | { kind: "error"; message: string };
type Reply = { id: number; result?: ImageResult; error?: WireError };

export class WorkerProducer implements ImageProducer {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: ImageResult) => void; reject: (e: Error) => void }
  >();

  private constructor(
    private readonly worker: Worker,
    readonly manifest: ModelManifest,
    readonly provider: Provider,
    readonly safetyBackend: string,
    readonly residentBytes: number,
    readonly safetyBytes: number,
    readonly providerError?: string,
  ) {
    worker.on("message", (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.result) p.resolve(m.result);
      else if (m.error?.kind === "unsafe") p.reject(new UnsafeOutputError(m.error.score));
      else if (m.error?.kind === "watermark") p.reject(new WatermarkVerifyError(m.error.message));
      else p.reject(new Error(m.error?.message ?? "worker error"));
    });
    worker.on("error", (err) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
    worker.unref();
  }

  static async create(loaded: LoadedManifest, opts: ProducerOptions): Promise<WorkerProducer> {
    const worker = new Worker(fileURLToPath(import.meta.url), {
      workerData: { atelierProducer: true, loaded, opts },
      // the worker is TypeScript: load it through tsx like the main program
      execArgv: ["--import", "tsx"],
    });
    type Ready = {
      provider: Provider;
      safetyBackend: string;
      residentBytes: number;
      safetyBytes: number;
      providerError?: string;
    };
    const ready = await new Promise<Ready>((resolve, reject) => {
      worker.once("message", (m: { ready?: Ready; error?: string }) =>
        m.ready ? resolve(m.ready) : reject(new Error(`producer worker failed to start: ${m.error}`)),
      );
      worker.once("error", reject);
    });
    return new WorkerProducer(
      worker,
      loaded.manifest,
      ready.provider,
      ready.safetyBackend,
      ready.residentBytes,
      ready.safetyBytes,
      ready.providerError,
    );
  }

  produce(req: ImageRequest): Promise<ImageResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, req });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

if (!isMainThread && parentPort && (workerData as { atelierProducer?: boolean } | null)?.atelierProducer) {
  // stdout is the node's JSON log stream: libraries' console chatter (nsfwjs, TF.js) goes to stderr
  routeConsoleToStderr();
  const port = parentPort;
  const { loaded, opts } = workerData as { loaded: LoadedManifest; opts: ProducerOptions };
  createInProcessProducer(loaded, opts).then(
    (producer) => {
      port.on("message", (m: { id: number; req: ImageRequest }) => {
        producer.produce(m.req).then(
          (result) =>
            port.postMessage({ id: m.id, result } satisfies Reply, [result.png.buffer as ArrayBuffer]),
          (err: unknown) => {
            const error: WireError =
              err instanceof UnsafeOutputError
                ? { kind: "unsafe", score: err.score }
                : err instanceof WatermarkVerifyError
                  ? { kind: "watermark", message: err.message }
                  : { kind: "error", message: (err as Error).message };
            port.postMessage({ id: m.id, error } satisfies Reply);
          },
        );
      });
      port.postMessage({
        ready: {
          provider: producer.provider,
          safetyBackend: producer.safetyBackend,
          residentBytes: producer.residentBytes,
          safetyBytes: producer.safetyBytes,
          ...(producer.providerError ? { providerError: producer.providerError } : {}),
        },
      });
    },
    (err: unknown) => port.postMessage({ error: (err as Error).message }),
  );
}
