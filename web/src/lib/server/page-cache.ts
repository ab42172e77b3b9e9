/**
 * The public read pages (Explore and work pages, and their client-side navigation data) kept in memory
 * per URL and per index head: a page is served again only while the indexer's head is the one it was
 * built at, so the first request after the indexer has a new block (a sale, a mint) is built afresh.
 * Nothing here depends on the visitor: these pages are rendered without wallet or cookies (the wallet
 * lives in the browser). ETag / 304 and `Cache-Control` let browsers and CDNs revalidate cheaply.
 */
import type { RequestEvent } from "@sveltejs/kit";
import type { Handle } from "@sveltejs/kit/hooks";
import { etagOf, freshReader, ReadCache, serveFromCache, type CachedAnswer } from "@atelier/query/read-cache";
import { index } from "./index.ts";

/** `/`, `/works/<n>`, each with or without SvelteKit's `__data.json` suffix. */
const PUBLIC_READ = /^\/(?:works\/\d{1,78}\/?)?(?:__data\.json)?$/;
/**
 * How long a page may be reused at the same head: "more like this" also reads image embeddings, which
 * the indexer computes between blocks, and is itself rebuilt at this pace (lib/server/related.ts).
 */
export const PAGE_MAX_AGE_MS = 15_000;
/** Response headers that belong to one response, not to the page. */
const NOT_KEPT = new Set([
  "set-cookie",
  "date",
  "connection",
  "keep-alive",
  "content-length",
  "etag",
  "cache-control",
]);

const cache = new ReadCache({ maxBytes: 48 << 20, maxEntries: 2_000, maxAgeMs: PAGE_MAX_AGE_MS });
/** One head read at a time, each begun after its callers asked (see freshReader). */
const currentHead = freshReader(() => index().head());

export const pageCacheStats = () => cache.stats();

async function storable(event: RequestEvent, response: Response): Promise<CachedAnswer | undefined> {
  if (response.status !== 200 || response.headers.has("set-cookie") || event.locals.noStore) return undefined;
  const body = new Uint8Array(await response.arrayBuffer());
  const headers = [...response.headers].filter(([name]) => !NOT_KEPT.has(name.toLowerCase()));
  return { status: 200, headers, body, etag: etagOf(body) };
}

export const pageCache: Handle = async ({ event, resolve }) => {
  // The request's own URL: SvelteKit gives a page and its `__data.json` the same `event.url`.
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || !PUBLIC_READ.test(url.pathname)) return resolve(event);
  return serveFromCache({
    cache,
    key: url.pathname + url.search,
    // The index cannot say where it stands: the page is built as without a cache (it shows the error).
    head: async () => {
      const head = await currentHead();
      event.locals.indexHead = head;
      return head.version;
    },
    build: async () => {
      const own = await resolve(event);
      return { own, answer: await storable(event, own) };
    },
    // Not storable (an error page, a degraded page): whoever built it sends it; others build their own.
    passThrough: () => resolve(event),
    headers: event.request.headers,
  });
};
