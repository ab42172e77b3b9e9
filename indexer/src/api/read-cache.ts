/**
 * Identical reads answered once per indexed head: GraphQL queries, `POST /list` batches and searches are
 * kept with the checkpoint they were computed at (`_ponder_checkpoint`, written in the same transaction
 * as the block's rows) and served again only while that checkpoint is current, so the first request
 * after a block sees it. Every API route here is read-only (Ponder's GraphQL has no mutations), so a
 * POST body is just a query. ETag / 304 and `Cache-Control` let browsers and CDNs revalidate.
 * `GET /head` tells clients (the dApp's page cache) the checkpoint their answers belong to.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Context, Hono, MiddlewareHandler } from "hono";
import { db } from "ponder:api";
import { sql } from "ponder";
import {
  answerFromCache,
  cachedHeaders,
  cachedResponse,
  cachedStatus,
  etagOf,
  freshReader,
  ReadCache,
  type CachedAnswer,
} from "@atelier/query/read-cache";

/** Larger request bodies (a query document or a batch) are answered without the cache. */
const MAX_KEY_BYTES = 64 * 1024;
const KEPT_HEADERS = ["content-type"];

function schemaName(): string {
  const name =
    (globalThis as { PONDER_NAMESPACE_BUILD?: { schema?: string } }).PONDER_NAMESPACE_BUILD?.schema ??
    process.env.DATABASE_SCHEMA;
  if (!name || !/^[\w-]+$/.test(name))
    throw new Error(
      `the API cannot tell Ponder's database schema ("${name}")\nHint: start it with ponder start --schema <name>`,
    );
  return name;
}

export interface IndexHead {
  /** Every chain's latest checkpoint (block number, timestamp, position within the block), joined. */
  checkpoint: string;
  block: number;
  timestamp: number;
}

// Checkpoint layout (ponder/utils/checkpoint): 10 digits of block timestamp, 16 of chain id, 16 of
// block number, then the position in the block.
const decode = (checkpoint: string) => ({
  timestamp: Number(checkpoint.slice(0, 10)),
  block: Number(checkpoint.slice(26, 42)),
});

interface PonderGlobals {
  PONDER_NAMESPACE_BUILD?: { schema?: string };
  PONDER_DATABASE?: {
    driver: {
      dialect: string;
      instance?: {
        query(sql: string): Promise<unknown>;
        onNotification(cb: (channel: string, payload: string) => void): () => void;
      };
    };
  };
}

async function readHead(): Promise<IndexHead & { ready: boolean }> {
  const schema = schemaName();
  const checkpoints = sql.raw(`"${schema}"."_ponder_checkpoint"`);
  const meta = sql.raw(`"${schema}"."_ponder_meta"`);
  const result = (await db.execute(
    sql`select string_agg(latest_checkpoint, ',' order by chain_id) as checkpoint,
          (select bool_or((value->>'is_ready') = '1') from ${meta}) as ready
        from ${checkpoints}`,
  )) as unknown as { rows: { checkpoint: string | null; ready: boolean | null }[] };
  const row = result.rows[0];
  if (!row?.checkpoint) throw new Error("Ponder has no checkpoint yet");
  const last = row.checkpoint.split(",").at(-1)!;
  return { checkpoint: row.checkpoint, ...decode(last), ready: row.ready === true };
}

/**
 * Commits Ponder announced since start (on embedded PGlite): once Ponder is ready, every indexed block
 * updates `_ponder_checkpoint`, whose trigger sends a notification on the live-query channel when the
 * transaction commits — the signal Ponder's own `@ponder/client` live queries invalidate on.
 * Undefined where no such signal is heard in-process (Postgres): the head is then read every time.
 */
let commits: { count: number } | undefined;

function listenForCommits(): void {
  const g = globalThis as PonderGlobals;
  const driver = g.PONDER_DATABASE?.driver;
  if (driver?.dialect !== "pglite" || !driver.instance) return;
  const channel = `${schemaName()}_live_query`;
  const counter = { count: 0 };
  driver.instance.onNotification((name) => {
    if (name === channel) counter.count++;
  });
  void driver.instance.query(`LISTEN "${channel}"`).then(
    () => (commits = counter),
    () => undefined,
  );
}

let reads = 0;
const readFresh = freshReader(async () => {
  const seen = commits?.count;
  const seq = ++reads;
  return { ...(await readHead()), seen, seq };
});
let lastRead: (IndexHead & { ready: boolean; seen: number | undefined; seq: number }) | undefined;
const headOf = (r: IndexHead): IndexHead => ({
  checkpoint: r.checkpoint,
  block: r.block,
  timestamp: r.timestamp,
});

/**
 * The indexed head as of now. Read from the database (one query at a time however many requests ask),
 * except that, on PGlite once Ponder is ready, a head read after the last commit notification is
 * still the head: no transaction has committed since it was read.
 */
export async function indexHead(): Promise<IndexHead> {
  const last = lastRead;
  if (last?.ready && last.seen !== undefined && last.seen === commits?.count) return headOf(last);
  const read = await readFresh();
  if (!lastRead || read.seq > lastRead.seq) lastRead = read;
  return headOf(read);
}

async function storable(c: Context, path: string): Promise<CachedAnswer | undefined> {
  const res = c.res;
  if (res.status !== 200 || res.headers.has("set-cookie")) return undefined;
  const body = new Uint8Array(await res.arrayBuffer());
  // Ponder answers GraphQL errors with 200: a failed query is not an answer to keep (nor to share).
  if (path === "/graphql" && new TextDecoder().decode(body.subarray(0, 4096)).includes('"errors":[')) {
    c.res = new Response(body, { status: res.status, headers: res.headers });
    return undefined;
  }
  const headers = KEPT_HEADERS.flatMap((h): [string, string][] => {
    const v = res.headers.get(h);
    return v === null ? [] : [[h, v]];
  });
  return { status: 200, headers, body, etag: etagOf(body) };
}

/** The Node.js request and response under Hono (`@hono/node-server`, which Ponder serves with). */
interface NodeBindings {
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
}

/** A request body read from the Node.js stream: no web Request and stream made for it. */
function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    incoming.once("error", reject);
  });
}

/**
 * A stored answer written to the Node.js response directly, with the headers the middleware before us set
 * (Ponder's CORS): building a web Response and having Hono copy it and @hono/node-server convert it back
 * cost more CPU than the rest of a cache hit. Hono is told the response went out (RESPONSE_ALREADY_SENT's
 * marker), with the status and length Ponder's metrics read.
 */
function sendDirect(c: Context, outgoing: ServerResponse, answer: CachedAnswer, hit: boolean): Response {
  const status = cachedStatus(answer, c.req.header("if-none-match"));
  const body = status === 304 ? undefined : answer.body;
  const headers: Record<string, string> = {};
  for (const [k, v] of c.res.headers) headers[k] = v;
  for (const [k, v] of cachedHeaders(answer, hit)) headers[k] = v;
  headers["content-length"] = String(body?.byteLength ?? 0);
  outgoing.writeHead(status, headers);
  outgoing.end(body);
  return new Response(null, {
    status,
    headers: [...RESPONSE_ALREADY_SENT.headers, ["content-length", headers["content-length"]]],
  });
}

export function cachedReads(cache: ReadCache): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    if (method !== "GET" && method !== "POST") return next();
    const { incoming, outgoing } = (c.env ?? {}) as NodeBindings;
    const body = method !== "POST" ? "" : incoming ? await readBody(incoming) : await c.req.raw.text();
    // The handlers after us (Ponder's GraphQL reads the raw request) get the body again, on a miss only.
    const handle = () => {
      if (method === "POST") c.req.raw = new Request(c.req.url, { method, headers: c.req.raw.headers, body });
      return next();
    };
    if (body.length > MAX_KEY_BYTES) return handle();
    const url = c.req.url;
    const result = await answerFromCache<void>({
      cache,
      key: `${method} ${url.slice(url.indexOf("/", url.indexOf("//") + 2))}\n${body}`,
      head: async () => (await indexHead()).checkpoint,
      // The handlers' response stays in c.res: a request whose build was not storable sends it as is;
      // others waiting on that build run the handlers themselves (passThrough).
      build: async () => {
        await handle();
        return { own: undefined, answer: await storable(c, c.req.path) };
      },
      passThrough: handle,
      headers: { get: (name) => c.req.header(name) ?? null },
    });
    if (!("answer" in result)) return;
    const { answer, hit } = result;
    c.res = outgoing
      ? sendDirect(c, outgoing, answer, hit)
      : cachedResponse(answer, { hit, ifNoneMatch: c.req.header("if-none-match") });
  };
}

/** Mounts the cache in front of the read routes and `GET /head`, `GET /cache/stats`; before those routes. */
export function mountReadCache(app: Hono, cache = new ReadCache({ maxBytes: 32 << 20 })): ReadCache {
  listenForCommits();
  const cached = cachedReads(cache);
  for (const path of ["/graphql", "/list", "/search"]) app.use(path, cached);
  app.get("/head", async (c) => c.json(await indexHead(), 200, { "cache-control": "no-store" }));
  app.get("/cache/stats", (c) => c.json(cache.stats(), 200, { "cache-control": "no-store" }));
  return cache;
}
