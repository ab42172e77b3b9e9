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
/** A long queue saves its progress this often, so a crash mid-backfill keeps what was computed. */
const SAVE_EVERY_MS = 15_000;

export interface ImageSource {
  /**
   * The image's bytes, or undefined when it is not (yet) available. Throw an `ImageRejectedError` for
   * content that will never embed (it is rejected); any other error is retried later.
   */
  get(cid: string): Promise<Uint8Array | undefined>;
}

/** An image that no retry can fix (wrong hash, oversized, not a file): the job is rejected with this reason. */
export class ImageRejectedError extends Error {
  override name = "ImageRejectedError";
}

function rejection(error: unknown): ImageRejectedError | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++)
    if (e instanceof ImageRejectedError) return e;
  return undefined;
}

export type EmbeddingStatus =
  | { status: "pending"; attempts: number; lastError?: string }
  | { status: "ok"; embedding: Float32Array }
  | { status: "rejected"; reason: string };

/** Embeddings by work id, saved as one binary file (header: model, dimensions; rows: id + vector). */
export class EmbeddingStore {
  readonly vectors = new Map<bigint, Float32Array>();
  private dirty = false;

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
    this.dirty = true;
  }

  /** Writes the file when something changed since the last save or load. */
  async save(): Promise<void> {
    if (!this.file || !this.dirty) return;
    this.dirty = false;
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
  /** Embeddings computed by this instance (not loaded from the store). */
  computed = 0;
  private savedAt = Date.now();

  constructor(
    private readonly embedder: Pick<ImageEmbedder, "embed">,
    private readonly source: ImageSource,
    readonly store: EmbeddingStore,
    private readonly onEmbedded?: (workId: bigint, embedding: Float32Array) => void,
    private readonly onRejected?: (workId: bigint, reason: string) => void,
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
        if (Date.now() - this.savedAt > SAVE_EVERY_MS) await this.save();
        // Give the event loop (event indexing, queries) a turn between images.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      await this.save();
    } finally {
      this.running = false;
    }
  }

  private async save(): Promise<void> {
    this.savedAt = Date.now();
    await this.store.save();
  }

  private async attempt(workId: bigint): Promise<void> {
    const job = this.jobs.get(workId)!;
    if (job.state.status !== "pending") return;
    let bytes: Uint8Array | undefined;
    try {
      bytes = await this.source.get(job.imageCid);
    } catch (error) {
      const rejected = rejection(error);
      if (!rejected) return this.backOff(workId, job, (error as Error).message);
      return this.reject(workId, job, rejected.message);
    }
    if (!bytes) return this.backOff(workId, job, "image not found");
    try {
      const embedding = await this.embedder.embed(bytes);
      this.store.set(workId, embedding);
      job.state = { status: "ok", embedding };
      this.computed += 1;
      this.onEmbedded?.(workId, embedding);
      this.finished += 1;
    } catch (error) {
      this.reject(workId, job, (error as Error).message);
    }
  }

  private reject(workId: bigint, job: Job, reason: string): void {
    job.state = { status: "rejected", reason };
    this.finished += 1;
    this.onRejected?.(workId, reason);
  }

  private backOff(workId: bigint, job: Job, reason: string): void {
    job.failures += 1;
    job.state = { status: "pending", attempts: job.failures, lastError: reason };
    const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** job.failures);
    job.nextTryAt = Date.now() + delay;
    setTimeout(() => this.enqueue(workId), delay).unref();
  }
}
