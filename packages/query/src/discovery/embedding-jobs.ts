/**
 * Embeddings computed in the background, never on the event path: callers `request(workId, imageCid)`
 * (it returns at once); one job runs at a time, yielding to the event loop between jobs. An image that
 * is not (yet) available stays pending and is retried with backoff; bytes that do not decode are
 * rejected with the reason. Results land in an `EmbeddingStore` (a file of work id + float32 rows) and,
 * through `onEmbedded`, in the related-works index.
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { ImageEmbedder } from "./embedding.ts";

const MAX_BACKOFF_MS = 60_000;

export interface ImageSource {
  /** The image's bytes, or undefined when it is not (yet) available. */
  get(cid: string): Promise<Uint8Array | undefined>;
}

export type EmbeddingStatus =
  | { status: "pending"; attempts: number; lastError?: string }
  | { status: "ok"; embedding: Float32Array }
  | { status: "rejected"; reason: string };

/** Embeddings by work id, saved as one binary file (header: model, dimensions; rows: id + vector). */
export class EmbeddingStore {
  readonly vectors = new Map<bigint, Float32Array>();

  constructor(
    readonly model: string,
    readonly dimensions: number,
    private readonly file?: string,
  ) {}

  set(workId: bigint, embedding: Float32Array): void {
    if (embedding.length !== this.dimensions)
      throw new Error(
        `work ${workId}: embedding has ${embedding.length} dimensions, the store ${this.dimensions}`,
      );
    this.vectors.set(workId, embedding);
  }

  async save(): Promise<void> {
    if (!this.file) return;
    const header = Buffer.from(JSON.stringify({ model: this.model, dimensions: this.dimensions }) + "\n");
    const row = 8 + 4 * this.dimensions;
    const body = Buffer.alloc(this.vectors.size * row);
    let offset = 0;
    for (const [id, v] of this.vectors) {
      body.writeBigUInt64LE(id, offset);
      Buffer.from(v.buffer, v.byteOffset, v.byteLength).copy(body, offset + 8);
      offset += row;
    }
    await mkdir(path.dirname(this.file), { recursive: true });
    // Write then rename: a crash mid-write never leaves a half-written store.
    await writeFile(this.file + ".tmp", Buffer.concat([header, body]));
    await rename(this.file + ".tmp", this.file);
  }

  /** Loads the file when it exists; a file from another model is refused (its vectors mean something else). */
  async load(): Promise<this> {
    if (!this.file) return this;
    let bytes: Buffer;
    try {
      bytes = await readFile(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return this;
      throw error;
    }
    const newline = bytes.indexOf(10);
    const header = JSON.parse(bytes.subarray(0, newline).toString("utf8")) as {
      model: string;
      dimensions: number;
    };
    if (header.model !== this.model || header.dimensions !== this.dimensions)
      throw new Error(
        `${this.file} holds ${header.model} (${header.dimensions}-d) embeddings, not ${this.model}: delete it to recompute`,
      );
    const row = 8 + 4 * this.dimensions;
    for (let o = newline + 1; o + row <= bytes.length; o += row) {
      const v = new Float32Array(this.dimensions);
      Buffer.from(v.buffer).set(bytes.subarray(o + 8, o + row));
      this.vectors.set(bytes.readBigUInt64LE(o), v);
    }
    return this;
  }
}

interface Job {
  imageCid: string;
  state: EmbeddingStatus;
  nextTryAt: number;
  failures: number;
}

export class EmbeddingJobs {
  private readonly jobs = new Map<bigint, Job>();
  private readonly queue: bigint[] = [];
  private running = false;
  private idle: Promise<void> = Promise.resolve();
  /** Jobs finished (ok or rejected): lets a poller skip work when nothing changed. */
  finished = 0;

  constructor(
    private readonly embedder: Pick<ImageEmbedder, "embed">,
    private readonly source: ImageSource,
    readonly store: EmbeddingStore,
    private readonly onEmbedded?: (workId: bigint, embedding: Float32Array) => void,
  ) {}

  /** Queues a work's image; returns at once. Known works keep their state (no duplicate work). */
  request(workId: bigint, imageCid: string): void {
    const stored = this.store.vectors.get(workId);
    if (stored) {
      this.jobs.set(workId, {
        imageCid,
        state: { status: "ok", embedding: stored },
        nextTryAt: 0,
        failures: 0,
      });
      return;
    }
    if (this.jobs.has(workId)) return;
    this.jobs.set(workId, { imageCid, state: { status: "pending", attempts: 0 }, nextTryAt: 0, failures: 0 });
    this.enqueue(workId);
  }

  status(workId: bigint): EmbeddingStatus | undefined {
    return this.jobs.get(workId)?.state;
  }

  /** Resolves when nothing is queued or running (pending retries on a timer are not waited for). */
  async drained(): Promise<void> {
    while (this.running || this.queue.length > 0) await this.idle;
  }

  private enqueue(workId: bigint): void {
    this.queue.push(workId);
    if (!this.running) this.idle = this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const workId = this.queue.shift()!;
        await this.attempt(workId);
        // Give the event loop (event indexing, queries) a turn between images.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      await this.store.save();
    } finally {
      this.running = false;
    }
  }

  private async attempt(workId: bigint): Promise<void> {
    const job = this.jobs.get(workId)!;
    if (job.state.status !== "pending") return;
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.source.get(job.imageCid);
    } catch (error) {
      return this.backOff(workId, job, (error as Error).message);
    }
    if (!bytes) return this.backOff(workId, job, "image not found");
    try {
      const embedding = await this.embedder.embed(bytes);
      this.store.set(workId, embedding);
      job.state = { status: "ok", embedding };
      this.onEmbedded?.(workId, embedding);
    } catch (error) {
      job.state = { status: "rejected", reason: (error as Error).message };
    }
    this.finished += 1;
  }

  private backOff(workId: bigint, job: Job, reason: string): void {
    job.failures += 1;
    job.state = { status: "pending", attempts: job.failures, lastError: reason };
    const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** job.failures);
    job.nextTryAt = Date.now() + delay;
    setTimeout(() => this.enqueue(workId), delay).unref();
  }
}
