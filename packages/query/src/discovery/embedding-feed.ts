/**
 * Image embeddings over HTTP. The indexer's `/embeddings` endpoint serves them in the order they were
 * computed, as binary rows (work id u64 LE, then `dimensions` float32 LE), a page at a time from a
 * sequence cursor; the headers name the model, the dimensions, the server's epoch (a restarted
 * server numbers from 0 again) and the next cursor. `EmbeddingFeed` keeps what it has read, so a
 * repeated load fetches only the embeddings computed since.
 */
export const EMBEDDING_HEADERS = {
  model: "x-embedding-model",
  dimensions: "x-embedding-dimensions",
  epoch: "x-embedding-epoch",
  next: "x-embedding-next",
  more: "x-embedding-more",
} as const;

/** Rows per page: 2,000 × 1280-d = 10 MB. */
export const EMBEDDING_PAGE = 2000;

export function encodeEmbeddingRows(
  rows: readonly (readonly [bigint, Float32Array])[],
  dimensions: number,
): Buffer {
  const size = 8 + 4 * dimensions;
  const out = Buffer.alloc(rows.length * size);
  rows.forEach(([id, v], i) => {
    if (v.length !== dimensions)
      throw new Error(`work ${id}: embedding has ${v.length} dimensions, the feed ${dimensions}`);
    out.writeBigUInt64LE(id, i * size);
    Buffer.from(v.buffer, v.byteOffset, v.byteLength).copy(out, i * size + 8);
  });
  return out;
}

export function decodeEmbeddingRows(bytes: Uint8Array, dimensions: number): [bigint, Float32Array][] {
  const size = 8 + 4 * dimensions;
  if (bytes.length % size !== 0)
    throw new Error(`an embeddings page of ${bytes.length} bytes is not whole rows of ${size} bytes`);
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rows: [bigint, Float32Array][] = [];
  for (let o = 0; o < bytes.length; o += size) {
    const v = new Float32Array(dimensions);
    Buffer.from(v.buffer).set(view.subarray(o + 8, o + size));
    rows.push([view.readBigUInt64LE(o), v]);
  }
  return rows;
}

export class EmbeddingFeed {
  readonly vectors = new Map<bigint, Float32Array>();
  model: string | undefined;
  dimensions: number | undefined;
  private epoch: string | undefined;
  private next = 0;

  constructor(readonly url: string) {}

  /**
   * Reads every embedding computed since the last call. Resolves to false when the index serves no
   * embeddings (404: an indexer without them, or a subgraph): related works then rank by perceptual hash.
   */
  async refresh(): Promise<boolean> {
    for (;;) {
      const endpoint = new URL(this.url);
      endpoint.searchParams.set("since", String(this.next));
      endpoint.searchParams.set("first", String(EMBEDDING_PAGE));
      let response: Response;
      try {
        response = await fetch(endpoint);
      } catch (error) {
        throw new Error(
          `cannot reach the embeddings at ${endpoint.origin}: ${(error as Error).message}\nHint: start the indexer (npm start) or check the configured URL`,
          { cause: error },
        );
      }
      if (response.status === 404) return false;
      if (!response.ok)
        throw new Error(
          `the embeddings at ${endpoint.origin} answered ${response.status}\nHint: ${await response.text()}`,
        );
      const header = (name: string) => response.headers.get(name) ?? "";
      const epoch = header(EMBEDDING_HEADERS.epoch);
      const model = header(EMBEDDING_HEADERS.model);
      const dimensions = Number(header(EMBEDDING_HEADERS.dimensions));
      if (epoch !== this.epoch || model !== this.model || dimensions !== this.dimensions) {
        // A restarted server (or another model): read everything again from its first row.
        const fromStart = this.next === 0;
        this.vectors.clear();
        this.next = 0;
        this.epoch = epoch;
        this.model = model;
        this.dimensions = dimensions;
        if (!fromStart) {
          await response.body?.cancel();
          continue;
        }
      }
      for (const [id, v] of decodeEmbeddingRows(new Uint8Array(await response.arrayBuffer()), dimensions))
        this.vectors.set(id, v);
      this.next = Number(header(EMBEDDING_HEADERS.next));
      if (header(EMBEDDING_HEADERS.more) !== "true") return true;
    }
  }
}
