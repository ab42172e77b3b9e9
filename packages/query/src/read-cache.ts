/**
 * A read cache for answers that are a function of the index's head: an answer is stored with the head
 * (the indexer's checkpoint) it was computed at and served only to a request that read the same head,
 * so a new block invalidates every answer at once — nothing is guessed from time. Bounded (LRU, by
 * bytes and entries), identical concurrent misses computed once, ETags from the bytes (so a browser's
 * or CDN's revalidation of an unchanged answer costs a 304 across blocks).
 *
 * Used by the indexer's API (GraphQL, /list, /search) and the dApp server's public pages.
 */
import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";

export interface CachedAnswer {
  status: number;
  /** Headers to send again (content type and the like; never Set-Cookie). */
  headers: [string, string][];
  body: Uint8Array<ArrayBuffer>;
  /** Strong validator over the body's bytes. */
  etag: string;
}

interface Entry extends CachedAnswer {
  head: string;
  /** When it was stored (ms since epoch): answers also expire after `maxAgeMs` (see ReadCacheOptions). */
  at: number;
}

export interface ReadCacheOptions {
  /** Bytes of bodies kept (default 32 MiB). */
  maxBytes?: number;
  /** Answers kept (default 5,000). */
  maxEntries?: number;
  /** Largest body stored (default 1 MiB): bigger answers are served but not kept. */
  maxBodyBytes?: number;
  /**
   * An answer older than this is computed again even at the same head (default: never). For answers
   * that also depend on something beside the index (e.g. "more like this" reads embeddings, which are
   * computed between blocks).
   */
  maxAgeMs?: number;
}

export interface CacheStats {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
}

export const etagOf = (body: Uint8Array): string =>
  `"${createHash("sha256").update(body).digest("base64url").slice(0, 32)}"`;

/** Whether an If-None-Match header value names `etag` (weak or strong, a list, or `*`). */
export function etagMatches(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === "*") return true;
  return ifNoneMatch.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}

/** A request that asked to skip stored answers (`Cache-Control: no-cache`, as a hard reload sends). */
export const wantsFresh = (cacheControl: string | null | undefined): boolean =>
  /(^|,)\s*no-cache\s*(,|$)/i.test(cacheControl ?? "");

/** Browsers and CDNs may keep an answer but must revalidate it (a new block can change it any time). */
export const CACHE_CONTROL = "public, max-age=0, must-revalidate";

/** The headers a stored (or just computed) answer is sent with: its own, its validator, the revalidation rule, hit or miss. */
export function cachedHeaders(answer: CachedAnswer, hit: boolean): [string, string][] {
  const own = answer.headers.filter(([k]) => !/^(etag|cache-control|x-cache)$/i.test(k));
  return [...own, ["etag", answer.etag], ["cache-control", CACHE_CONTROL], ["x-cache", hit ? "hit" : "miss"]];
}

/** The status to send a stored answer with: 304 (no body) when the client already holds these bytes. */
export const cachedStatus = (answer: CachedAnswer, ifNoneMatch: string | null | undefined): number =>
  etagMatches(ifNoneMatch, answer.etag) ? 304 : answer.status;

/**
 * The HTTP response for a stored (or just computed) answer: its validator, the revalidation rule and
 * whether it came from the cache; a 304 when the client already holds these bytes.
 */
export function cachedResponse(
  answer: CachedAnswer,
  { hit, ifNoneMatch }: { hit: boolean; ifNoneMatch: string | null | undefined },
): Response {
  const headers = new Headers(cachedHeaders(answer, hit));
  const status = cachedStatus(answer, ifNoneMatch);
  return new Response(status === 304 ? null : answer.body, { status, headers });
}

interface CachedRead<R> {
  cache: ReadCache;
  key: string;
  /** The index head the answer belongs to; a failure serves the request without the cache. */
  head: () => Promise<string>;
  build: () => Promise<{ own: R; answer: CachedAnswer | undefined }>;
  passThrough: () => Promise<R>;
  /** The request's headers: `Cache-Control: no-cache` skips stored answers, `If-None-Match` may get a 304. */
  headers: { get(name: string): string | null };
}

/**
 * One cached read, framework-free: read the head, then answer `key` at that head from `cache` (or build
 * it once for concurrent identical requests). `build` runs the uncached handler and says what of its
 * response may be kept (`answer`, undefined when not storable) beside the handler's own result (`own`):
 * a request whose build was not storable gets its own result back; one that waited on another's
 * unstorable build, or whose head could not be read, gets `passThrough()` (the handler as without a
 * cache). For a server that sends the answer itself (see cachedHeaders, cachedStatus); serveFromCache
 * makes it a Response.
 */
export async function answerFromCache<R>({
  cache,
  key,
  head,
  build,
  passThrough,
  headers,
}: CachedRead<R>): Promise<{ answer: CachedAnswer; hit: boolean } | { own: R }> {
  let at: string;
  try {
    at = await head();
  } catch {
    return { own: await passThrough() };
  }
  let built: { own: R } | undefined;
  const { answer, hit } = await cache.get(
    key,
    at,
    async () => {
      const { own, answer } = await build();
      built = { own };
      return answer;
    },
    { fresh: wantsFresh(headers.get("cache-control")) },
  );
  if (answer) return { answer, hit };
  return built ?? { own: await passThrough() };
}

/** answerFromCache, with a stored answer as a response with ETag / 304 (see cachedResponse). */
export async function serveFromCache<R>(read: CachedRead<R>): Promise<Response | R> {
  const result = await answerFromCache(read);
  if (!("answer" in result)) return result.own;
  return cachedResponse(result.answer, { hit: result.hit, ifNoneMatch: read.headers.get("if-none-match") });
}

export class ReadCache {
  readonly #lru: LRUCache<string, Entry>;
  readonly #computing = new Map<string, Promise<CachedAnswer | undefined>>();
  readonly #maxBodyBytes: number;
  readonly #maxAgeMs: number;
  #hits = 0;
  #misses = 0;

  constructor(options: ReadCacheOptions = {}) {
    this.#maxBodyBytes = options.maxBodyBytes ?? 1 << 20;
    this.#maxAgeMs = options.maxAgeMs ?? Number.POSITIVE_INFINITY;
    this.#lru = new LRUCache<string, Entry>({
      max: options.maxEntries ?? 5_000,
      maxSize: options.maxBytes ?? 32 << 20,
      // Key and headers count too, so many tiny answers cannot grow past the bound either.
      sizeCalculation: (entry, key) =>
        entry.body.byteLength + key.length + entry.headers.reduce((n, [k, v]) => n + k.length + v.length, 64),
    });
  }

  /** The answer stored for `key` at `head`, if any (and not older than maxAgeMs). */
  peek(key: string, head: string): CachedAnswer | undefined {
    const entry = this.#lru.get(key);
    if (!entry || entry.head !== head || Date.now() - entry.at > this.#maxAgeMs) return undefined;
    return entry;
  }

  /**
   * The answer for `key` at `head`: stored, or computed by `compute` (once for concurrent callers of the
   * same key and head) and stored when `compute` resolves to a storable answer. `compute` resolving to
   * undefined means "not cacheable": each caller then answers by itself.
   */
  async get(
    key: string,
    head: string,
    compute: () => Promise<CachedAnswer | undefined>,
    options: { fresh?: boolean } = {},
  ): Promise<{ answer: CachedAnswer | undefined; hit: boolean }> {
    const stored = options.fresh ? undefined : this.peek(key, head);
    if (stored) {
      this.#hits++;
      return { answer: stored, hit: true };
    }
    this.#misses++;
    const flight = `${head}\n${key}`;
    let pending = options.fresh ? undefined : this.#computing.get(flight);
    if (!pending) {
      pending = compute().then((answer) => {
        if (answer) this.put(key, head, answer);
        return answer;
      });
      if (!options.fresh) {
        this.#computing.set(flight, pending);
        void pending
          .finally(() => {
            if (this.#computing.get(flight) === pending) this.#computing.delete(flight);
          })
          .catch(() => undefined);
      }
    }
    return { answer: await pending, hit: false };
  }

  /** Stores an answer computed at `head` (too large ones are not kept). */
  put(key: string, head: string, answer: CachedAnswer): void {
    if (answer.body.byteLength > this.#maxBodyBytes) return;
    this.#lru.set(key, { ...answer, head, at: Date.now() });
  }

  stats(): CacheStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      entries: this.#lru.size,
      bytes: this.#lru.calculatedSize,
    };
  }
}

/**
 * A read whose result every caller sees as fresh: a caller never gets the result of a read that began
 * before it asked. Callers that arrive while a read is in flight share the next read, which begins when
 * that one ends — so under any load at most one read runs at a time (plus one queued), and each
 * caller's answer is at least as new as the moment it asked.
 */
export function freshReader<T>(read: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  let queued: Promise<T> | undefined;
  const start = (): Promise<T> => {
    const p = read();
    running = p;
    void p
      .finally(() => {
        if (running === p) running = undefined;
      })
      .catch(() => undefined);
    return p;
  };
  return () => {
    if (queued) return queued;
    if (!running) return start();
    const before = running;
    queued = before
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return start();
      });
    return queued;
  };
}
export type { IndexHead } from "./dialect.ts";
