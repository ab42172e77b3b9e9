/** A pool of image producers (worker threads): each job goes to the one with the fewest in flight. */
import type { ModelManifest } from "./model/manifest.ts";
import type { Provider } from "./model/runtime.ts";
import type { ImageProducer, ImageRequest, ImageResult } from "./producer.ts";

/** Dispatches to the producer with the fewest jobs in flight (a pool of worker threads). */
export class ProducerPool implements ImageProducer {
  private readonly load: number[];

  constructor(private readonly producers: ImageProducer[]) {
    if (producers.length === 0) throw new Error("empty producer pool");
    this.load = producers.map(() => 0);
  }

  get manifest(): ModelManifest {
    return this.producers[0]!.manifest;
  }
  get provider(): Provider {
    return this.producers[0]!.provider;
  }
  get providerError(): string | undefined {
    return this.producers[0]!.providerError;
  }
  get safetyBackend(): string {
    return this.producers[0]!.safetyBackend;
  }
  get residentBytes(): number {
    return this.producers.reduce((n, p) => n + (p.residentBytes ?? 0), 0);
  }
  get safetyBytes(): number {
    return this.producers.reduce((n, p) => n + (p.safetyBytes ?? 0), 0);
  }
  get size(): number {
    return this.producers.length;
  }

  async produce(req: ImageRequest): Promise<ImageResult> {
    let best = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i]! < this.load[best]!) best = i;
    this.load[best]!++;
    try {
      return await this.producers[best]!.produce(req);
    } finally {
      this.load[best]!--;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.producers.map((p) => p.close()));
  }
}

/**
 * Another model served by the same producers: the variation model runs the art model's graph with
 * the same weights (only the conditioning differs, and that comes with each request), so it needs
 * no sessions, classifiers or workers of its own. Memory is counted once, on the model it shares.
 */
export class SharedProducer implements ImageProducer {
  readonly residentBytes = 0;
  readonly safetyBytes = 0;

  constructor(
    readonly manifest: ModelManifest,
    private readonly base: ImageProducer,
  ) {}

  get provider(): Provider {
    return this.base.provider;
  }
  get providerError(): string | undefined {
    return this.base.providerError;
  }
  get safetyBackend(): string {
    return this.base.safetyBackend;
  }
  /** the model whose producers this one runs on */
  get sharedWith(): string {
    return this.base.manifest.name;
  }

  produce(req: ImageRequest): Promise<ImageResult> {
    return this.base.produce(req);
  }

  /** the base model's producers close with it */
  async close(): Promise<void> {}
}
