/**
 * Work metadata from IPFS, fetched in the background so that event indexing never waits for it.
 * A missing or slow object stays "pending" and is retried with backoff; content that does not hash to
 * its CID, is over one block (256 KiB), is not UTF-8 JSON or not an object is rejected with a reason.
 */
import { createHash } from "node:crypto";
import { FsBlockstore } from "blockstore-fs";
import { CID } from "multiformats/cid";

export const MAX_METADATA_BYTES = 262_144;
const FETCH_TIMEOUT_MS = 5_000;
const MAX_BACKOFF_MS = 60_000;

export type MetadataResult =
  | {
      status: "ok";
      name: string | null;
      description: string | null;
      image: string | null;
      prompt: string | null;
    }
  | { status: "rejected"; reason: string };

export interface MetadataSource {
  /** The block's bytes, or undefined when it is not (yet) available. */
  get(cid: CID): Promise<Uint8Array | undefined>;
}

/** Reads blocks from a Helia/blockstore-fs directory (what the generator node writes). */
export function blockstoreSource(dir: string): MetadataSource {
  const store = new FsBlockstore(dir);
  const opened = store.open();
  return {
    async get(cid) {
      await opened;
      if (!(await store.has(cid))) return undefined;
      const chunks: Uint8Array[] = [];
      for await (const chunk of store.get(cid)) chunks.push(chunk);
      return Buffer.concat(chunks);
    },
  };
}

/** Fetches raw blocks from a trustless HTTP gateway (`/ipfs/<cid>?format=raw`). */
export function gatewaySource(baseUrl: string): MetadataSource {
  return {
    async get(cid) {
      const response = await fetch(new URL(`/ipfs/${cid.toString()}?format=raw`, baseUrl), {
        headers: { accept: "application/vnd.ipld.raw" },
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
      if (response.status === 404) return undefined;
      if (!response.ok) throw new Error(`gateway answered ${response.status}`);
      const length = Number(response.headers.get("content-length") ?? 0);
      if (length > MAX_METADATA_BYTES * 4) return new Uint8Array(length); // rejected as oversized below
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}

const clean = (value: unknown): string | null =>
  typeof value === "string" ? value.replaceAll("\u0000", "") : null;

/** Why a block cannot be used (over `limit` bytes, or not the content its CID names), or undefined. */
export function blockProblem(cid: CID, bytes: Uint8Array, limit = MAX_METADATA_BYTES): string | undefined {
  if (bytes.length > limit) return `oversized: ${bytes.length} bytes (limit ${limit})`;
  if (
    cid.multihash.code !== 0x12 ||
    !Buffer.from(cid.multihash.digest).equals(createHash("sha256").update(bytes).digest())
  )
    return "content does not match its CID";
  return undefined;
}

/** Validates one metadata block against its CID and extracts the indexed fields. */
export function parseMetadata(cid: CID, bytes: Uint8Array): MetadataResult {
  const problem = blockProblem(cid, bytes);
  if (problem) return { status: "rejected", reason: problem };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    return { status: "rejected", reason: `not UTF-8 JSON: ${(error as Error).message.slice(0, 120)}` };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { status: "rejected", reason: "not a JSON object" };
  }
  const record = json as Record<string, unknown>;
  const attributes = Array.isArray(record.attributes) ? record.attributes : [];
  const promptAttribute = attributes.find(
    (a): a is { value: unknown } =>
      typeof a === "object" && a !== null && (a as { trait_type?: unknown }).trait_type === "prompt",
  );
  return {
    status: "ok",
    name: clean(record.name),
    description: clean(record.description),
    image: clean(record.image),
    prompt: clean(promptAttribute?.value),
  };
}

interface Attempt<R> {
  result?: R;
  inFlight: boolean;
  failures: number;
  nextTryAt: number;
  lastError?: string;
}

/** Fetches and parses IPFS objects in the background (work metadata by default; `parse` picks the kind). */
export class MetadataFetcher<R = MetadataResult> {
  private readonly attempts = new Map<string, Attempt<R>>();
  /** CIDs with a final result that no block handler has seen written (see `unwritten`). */
  private readonly resolved = new Set<string>();
  /** How many CIDs have a final result. */
  resolvedCount = 0;

  constructor(
    private readonly source: MetadataSource | undefined,
    private readonly parse: (cid: CID, bytes: Uint8Array) => R,
    private readonly rejected: (reason: string) => R,
  ) {}

  /** Starts a fetch unless one is running, done, or backing off. Never throws, never blocks. */
  request(cidText: string): void {
    if (!this.source) return;
    const attempt: Attempt<R> = this.attempts.get(cidText) ?? { inFlight: false, failures: 0, nextTryAt: 0 };
    this.attempts.set(cidText, attempt);
    // Asked again for a CID already fetched (a work minted again after a reorg, a second work with the
    // same metadata): its result is handed out once more, for the row that now waits for it.
    if (attempt.result) this.resolved.add(cidText);
    if (attempt.result || attempt.inFlight || Date.now() < attempt.nextTryAt) return;
    let cid: CID;
    try {
      cid = CID.parse(cidText);
    } catch {
      attempt.result = this.rejected("not a CID");
      this.settle(cidText);
      return;
    }
    attempt.inFlight = true;
    this.source
      .get(cid)
      .then((bytes) => {
        if (bytes) {
          attempt.result = this.parse(cid, bytes);
          this.settle(cidText);
        } else this.backOff(cidText, attempt, "not found");
      })
      .catch((error: Error) => this.backOff(cidText, attempt, error.message))
      .finally(() => {
        attempt.inFlight = false;
      });
  }

  /** A missing or failing object is retried later on its own timer (it stays pending meanwhile). */
  private backOff(cidText: string, attempt: Attempt<R>, reason: string) {
    attempt.failures += 1;
    attempt.lastError = reason;
    const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** attempt.failures);
    attempt.nextTryAt = Date.now() + delay;
    setTimeout(() => this.request(cidText), delay).unref();
  }

  private settle(cidText: string) {
    this.resolvedCount += 1;
    this.resolved.add(cidText);
  }

  result(cidText: string): R | undefined {
    return this.attempts.get(cidText)?.result;
  }

  /**
   * The CIDs whose result arrived and whose row has not been seen written yet: a block handler writes
   * these instead of querying the table for pending rows on every block, and calls `written(cid)` once it
   * finds the row no longer pending — only then, so a block whose transaction is rolled back and run
   * again still sees them.
   */
  unwritten(): { cid: string; result: R }[] {
    return [...this.resolved].map((cid) => ({ cid, result: this.attempts.get(cid)!.result! }));
  }

  written(cidText: string): void {
    this.resolved.delete(cidText);
  }
}

/** Where IPFS objects come from: ATELIER_IPFS_BLOCKSTORE (a blockstore directory) or ATELIER_IPFS_GATEWAY. */
export function sourceFromEnv(env: NodeJS.ProcessEnv = process.env): MetadataSource | undefined {
  if (env.ATELIER_IPFS_BLOCKSTORE) return blockstoreSource(env.ATELIER_IPFS_BLOCKSTORE);
  if (env.ATELIER_IPFS_GATEWAY) return gatewaySource(env.ATELIER_IPFS_GATEWAY);
  return undefined;
}

/** The work-metadata fetcher over the configured source. */
export function fetcherFromEnv(env: NodeJS.ProcessEnv = process.env): MetadataFetcher {
  return new MetadataFetcher(sourceFromEnv(env), parseMetadata, (reason): MetadataResult => ({
    status: "rejected",
    reason,
  }));
}
