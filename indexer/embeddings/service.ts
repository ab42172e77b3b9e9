/**
 * Image embeddings beside the index, inside the Ponder process but off its indexing path: a poller
 * reads which works have fetched metadata with an image (one cheap count per second; the list only when
 * it changed) and hands new ones to a worker process (niced: indexing keeps its core), which embeds and
 * persists them. The vectors are held here and served, in arrival order, at `/embeddings`.
 */
import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { setPriority } from "node:os";
import { fileURLToPath } from "node:url";
import { EMBEDDING_DIMENSIONS, EMBEDDING_MODEL } from "@atelier/query/discovery";
import { imageCid } from "./images.ts";
import type { FromWorker, ToWorker } from "./protocol.ts";

const POLL_MS = 1_000;
const RESPAWN_MS = 5_000;
const LOWEST_PRIORITY = 19;

/**
 * The embedding worker's nice value: by default the lowest priority, so that embeddings never slow the
 * indexing beside them. ATELIER_EMBEDDINGS_NICE (0–19) overrides it — a test on a loaded machine sets 0,
 * where a nice-19 worker competing with other busy processes gets ~1.5% of a core and falls minutes behind.
 */
export function workerNice(env: NodeJS.ProcessEnv): number {
  const text = env.ATELIER_EMBEDDINGS_NICE;
  if (text === undefined || text === "") return LOWEST_PRIORITY;
  const nice = Number(text);
  if (!Number.isInteger(nice) || nice < 0 || nice > LOWEST_PRIORITY)
    throw new Error(
      `ATELIER_EMBEDDINGS_NICE is "${text}": set it to a whole number from 0 (normal priority) to 19 (lowest, the default)`,
    );
  return nice;
}
const WORKER = fileURLToPath(new URL("./worker.ts", import.meta.url));
const INDEXER_ROOT = fileURLToPath(new URL("..", import.meta.url));

const CATALOG_PAGE = 1000;

/** A work and the state of its metadata (null when the index has no metadata row for it). */
export interface CatalogRow {
  workId: bigint;
  status: string | null;
  image: string | null;
}

/** What the service reads from the index; each work is read about once, not on every poll. */
export interface ImageCatalog {
  /** Works with an id above `afterId`, in id order. */
  worksAfter(afterId: bigint, limit: number): Promise<CatalogRow[]>;
  /** These works, now. */
  worksIn(ids: bigint[]): Promise<CatalogRow[]>;
  /** Changes whenever metadata is fetched or rejected (the number of rows no longer pending). */
  settledMetadata(): Promise<number>;
}

export interface EmbeddingStatusCounts {
  model: string;
  dimensions: number;
  ok: number;
  pending: number;
  rejected: number;
  /** Loaded from the store at start (not recomputed). */
  stored: number;
  /** Computed by this process's worker. */
  computed: number;
  /** The worker's fatal error, if any (e.g. a store of another model). */
  failed?: string;
}

export type WorkEmbeddingStatus =
  { status: "ok" } | { status: "pending" } | { status: "rejected"; reason: string } | { status: "unknown" };

export class EmbeddingService {
  readonly epoch = randomUUID();
  readonly model = EMBEDDING_MODEL;
  readonly dimensions = EMBEDDING_DIMENSIONS;
  private readonly vectors = new Map<bigint, Float32Array>();
  /** Work ids in the order their vectors arrived: `/embeddings?since=<position>`. */
  private readonly arrivals: bigint[] = [];
  private readonly requested = new Map<bigint, string>();
  private readonly rejected = new Map<bigint, string>();
  /** Works whose metadata is still pending: looked at again when some metadata settles. */
  private readonly waiting = new Set<bigint>();
  private cursor = 0n;
  private worker: ChildProcess | undefined;
  private workerReady = false;
  private seenVersion = -1;
  private stored = 0;
  private computed = 0;
  private failed: string | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly catalog: ImageCatalog,
    private readonly file: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  start(): this {
    this.spawn();
    const tick = () => {
      this.timer = setTimeout(() => {
        this.poll()
          .catch(() => undefined) // the tables may not exist yet during start-up: try again
          .finally(() => {
            if (!this.stopped) tick();
          });
      }, POLL_MS);
      this.timer.unref();
    };
    tick();
    return this;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.worker?.disconnect();
  }

  /** Rows `since` (a position in arrival order), at most `first`; `next` continues from there. */
  page(since: number, first: number): { rows: [bigint, Float32Array][]; next: number; more: boolean } {
    const ids = this.arrivals.slice(since, since + first);
    const next = since + ids.length;
    return { rows: ids.map((id) => [id, this.vectors.get(id)!]), next, more: next < this.arrivals.length };
  }

  counts(): EmbeddingStatusCounts {
    const pending = [...this.requested.keys()].filter(
      (id) => !this.vectors.has(id) && !this.rejected.has(id),
    );
    return {
      model: this.model,
      dimensions: this.dimensions,
      ok: this.vectors.size,
      pending: pending.length + this.waiting.size,
      rejected: this.rejected.size,
      stored: this.stored,
      computed: this.computed,
      ...(this.failed ? { failed: this.failed } : {}),
    };
  }

  statusOf(workId: bigint): WorkEmbeddingStatus {
    if (this.vectors.has(workId)) return { status: "ok" };
    const reason = this.rejected.get(workId);
    if (reason !== undefined) return { status: "rejected", reason };
    return this.requested.has(workId) || this.waiting.has(workId)
      ? { status: "pending" }
      : { status: "unknown" };
  }

  private async poll(): Promise<void> {
    for (;;) {
      const rows = await this.catalog.worksAfter(this.cursor, CATALOG_PAGE);
      for (const row of rows) this.consider(row);
      if (rows.length > 0) this.cursor = rows[rows.length - 1]!.workId;
      if (rows.length < CATALOG_PAGE) break;
    }
    if (this.waiting.size === 0) return;
    const settled = await this.catalog.settledMetadata();
    if (settled === this.seenVersion) return;
    this.seenVersion = settled;
    const waiting = [...this.waiting];
    for (let i = 0; i < waiting.length; i += CATALOG_PAGE)
      for (const row of await this.catalog.worksIn(waiting.slice(i, i + CATALOG_PAGE))) this.consider(row);
  }

  private consider({ workId, status, image }: CatalogRow): void {
    if (this.requested.has(workId)) return;
    if (status !== "ok" && status !== "rejected") {
      this.waiting.add(workId);
      return;
    }
    this.waiting.delete(workId);
    const found =
      status === "rejected"
        ? { reason: "the work's metadata was rejected: no image to embed" }
        : imageCid(image);
    this.requested.set(workId, "cid" in found ? found.cid : "");
    if ("reason" in found) this.rejected.set(workId, found.reason);
    else this.send({ type: "request", workId, imageCid: found.cid });
  }

  private send(message: ToWorker): void {
    if (this.workerReady) this.worker?.send(message);
    // Otherwise sent when the worker is ready (every requested, unresolved work is re-sent then).
  }

  private spawn(): void {
    const worker = fork(WORKER, [], {
      cwd: INDEXER_ROOT,
      execArgv: ["--import", "tsx"],
      env: { ...this.env, ATELIER_EMBEDDINGS_FILE: this.file },
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.worker = worker;
    this.workerReady = false;
    if (worker.pid !== undefined) {
      try {
        setPriority(worker.pid, workerNice(this.env));
      } catch {
        // Not permitted here: the worker still runs in its own process, just not deprioritised.
      }
    }
    worker.on("message", (m: FromWorker) => this.receive(m));
    worker.on("exit", () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.workerReady = false;
      if (!this.stopped && !this.failed) setTimeout(() => this.spawn(), RESPAWN_MS).unref();
    });
  }

  private receive(m: FromWorker): void {
    switch (m.type) {
      case "stored":
        for (const [id, v] of m.rows) if (this.add(id, v)) this.stored += 1;
        return;
      case "ready":
        this.workerReady = true;
        for (const [workId, imageCid] of this.requested)
          if (imageCid && !this.vectors.has(workId) && !this.rejected.has(workId))
            this.worker?.send({ type: "request", workId, imageCid } satisfies ToWorker);
        return;
      case "embedded":
        if (this.add(m.workId, m.embedding)) this.computed += 1;
        return;
      case "rejected":
        this.rejected.set(m.workId, m.reason);
        return;
      case "failed":
        this.failed = m.reason;
        console.error(`embeddings: ${m.reason}`);
        return;
    }
  }

  private add(workId: bigint, embedding: Float32Array): boolean {
    if (this.vectors.has(workId)) return false;
    this.vectors.set(workId, embedding);
    this.arrivals.push(workId);
    return true;
  }
}
