/** Messages between the Ponder process (the embedding service) and its embedding worker process. */
export type ToWorker = { type: "request"; workId: bigint; imageCid: string };

export type FromWorker =
  /** Embeddings the store already held (sent in chunks at start-up), so restarts recompute nothing. */
  | { type: "stored"; rows: [bigint, Float32Array][] }
  /** The stored rows have all been sent; requests are processed from now on. */
  | { type: "ready" }
  | { type: "embedded"; workId: bigint; embedding: Float32Array }
  | { type: "rejected"; workId: bigint; reason: string }
  /** Fatal: the store cannot be used (e.g. written by another model). */
  | { type: "failed"; reason: string };
