/**
 * Groups concurrent generate calls of one model into one model run (up to the model's `maxBatch`),
 * optionally waiting `windowMs` for more to arrive.
 */
import type { ModelManifest } from "./manifest.ts";
import type { GenerateRequest, RawImage } from "./runtime.ts";

export interface GenModel {
  readonly manifest: ModelManifest;
  generate(requests: GenerateRequest[]): Promise<RawImage[]>;
}

/** Batches concurrent generate calls into one model run (up to the model's maxBatch). */
export class GenerationBatcher {
  private queue: {
    req: GenerateRequest;
    resolve: (img: RawImage) => void;
    reject: (err: unknown) => void;
  }[] = [];
  private running = false;

  constructor(
    private readonly model: GenModel,
    private readonly windowMs = 0,
  ) {}

  generate(req: GenerateRequest): Promise<RawImage> {
    return new Promise((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      if (this.windowMs > 0) await new Promise((r) => setTimeout(r, this.windowMs));
      else await new Promise((r) => setImmediate(r));
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.model.manifest.maxBatch);
        try {
          const images = await this.model.generate(batch.map((b) => b.req));
          batch.forEach((b, i) => b.resolve(images[i]!));
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
