/**
 * Runs a {@link ModelRuntime} in a worker thread: onnxruntime-node's `session.run` is synchronous
 * on the calling thread, so inference on the main thread would stall chain I/O, watermarking and
 * the safety check. The worker owns the session; images come back as transferred buffers.
 */
import { fileURLToPath } from "node:url";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import type { LoadedManifest, ModelManifest } from "./manifest.ts";
import {
  ModelRuntime,
  type GenerateRequest,
  type Provider,
  type ProviderChoice,
  type RawImage,
} from "./runtime.ts";

export interface ImageModel {
  readonly manifest: ModelManifest;
  readonly provider: Provider;
  generate(requests: GenerateRequest[]): Promise<RawImage[]>;
  close(): Promise<void>;
}

type Reply = { id: number; images?: RawImage[]; error?: string };

export class WorkerModelRuntime implements ImageModel {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: RawImage[]) => void; reject: (e: Error) => void }
  >();

  private constructor(
    private readonly worker: Worker,
    readonly manifest: ModelManifest,
    readonly provider: Provider,
  ) {
    worker.on("message", (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.images!);
    });
    worker.on("error", (err) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
  }

  static async create(
    loaded: LoadedManifest,
    opts: { provider?: ProviderChoice; threads?: number } = {},
  ): Promise<WorkerModelRuntime> {
    const worker = new Worker(fileURLToPath(import.meta.url), {
      workerData: { loaded: { ...loaded, onnx: loaded.onnx }, opts },
      // the worker is TypeScript: load it through tsx like the main program
      execArgv: ["--import", "tsx"],
    });
    const provider = await new Promise<Provider>((resolve, reject) => {
      worker.once("message", (m: { ready?: Provider; error?: string }) =>
        m.ready ? resolve(m.ready) : reject(new Error(m.error)),
      );
      worker.once("error", reject);
    });
    return new WorkerModelRuntime(worker, loaded.manifest, provider);
  }

  generate(requests: GenerateRequest[]): Promise<RawImage[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, requests });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

if (!isMainThread && parentPort && (workerData as { loaded?: unknown } | null)?.loaded) {
  const port = parentPort;
  const { loaded, opts } = workerData as {
    loaded: LoadedManifest;
    opts: { provider?: ProviderChoice; threads?: number };
  };
  ModelRuntime.create(loaded, opts).then(
    (rt) => {
      port.on("message", (m: { id: number; requests: GenerateRequest[] }) => {
        rt.generate(m.requests).then(
          (images) =>
            port.postMessage(
              { id: m.id, images } satisfies Reply,
              images.map((i) => i.data.buffer as ArrayBuffer),
            ),
          (err: unknown) => port.postMessage({ id: m.id, error: (err as Error).message } satisfies Reply),
        );
      });
      port.postMessage({ ready: rt.provider });
    },
    (err: unknown) => port.postMessage({ error: (err as Error).message }),
  );
}
