/**
 * The two GraphQL dialects the query layer speaks: Ponder's (`items`, `limit`, `<name>Filter`) and
 * graph-node's (plain lists, `first`, `<Name>_filter`, `<Name>_orderBy`). Both return BigInt as
 * decimal strings and Bytes as 0x-hex.
 */
export type Row = Record<string, unknown>;

export interface ListOptions {
  where?: Record<string, unknown>;
  first: number;
  orderBy?: string;
  orderDirection?: "asc" | "desc";
}

/** One list of a batch: `listMany` sends several in one GraphQL request. */
export interface ListRequest {
  entity: string;
  fields: readonly string[];
  options: ListOptions;
}

export interface Dialect {
  readonly kind: "ponder" | "subgraph";
  list(entity: string, fields: readonly string[], options: ListOptions): Promise<Row[]>;
  /** Several lists in one round trip (aliased root fields of one query), results in request order. */
  listMany(requests: readonly ListRequest[]): Promise<Row[][]>;
  /** Metadata CIDs whose title / description / prompt match `tsquery` (see toTsQuery), best first. */
  fullText(tsquery: string, first: number): Promise<string[]>;
  /**
   * Daily rollups (Ponder: the `daily_sales` / `daily_jobs` tables; graph-node: the `DailySales` /
   * `DailyJobs` aggregations at interval "day"), rows with `day` = start of the UTC day in seconds,
   * for days in [fromDay, toDay] (seconds, either open).
   */
  daily(rollup: DailyRollup, range: { fromDay?: number; toDay?: number }): Promise<Row[]>;
  /** The indexed head (see IndexHead). */
  head(): Promise<IndexHead>;
}

/**
 * Where the index stands: answers read at one head are the same until the head moves. `version`
 * changes with every commit of indexed data (Ponder: its checkpoint; graph-node: block number + hash).
 */
export interface IndexHead {
  version: string;
  block: bigint;
  /** The head block's timestamp (seconds). */
  timestamp: bigint;
}

export type DailyRollup = "DailySales" | "DailyJobs";
const DAILY_FIELDS: Record<DailyRollup, string[]> = {
  DailySales: ["currency", "count", "volume"],
  DailyJobs: ["status", "count"],
};
/** Days per request: one row per day and currency / status. */
const DAILY_MAX = 1000;
const US_PER_S = 1_000_000n;

/**
 * A user's words as a Postgres tsquery: runs of letters and digits, all required (`a & b`). Nothing
 * else passes, so no input is a tsquery syntax error or an operator; empty when there are no words.
 * At most 32 words.
 */
export function toTsQuery(text: string): string {
  const words = text.normalize("NFKC").match(/[\p{L}\p{N}]+/gu) ?? [];
  return words
    .slice(0, 32)
    .map((w) => w.toLowerCase())
    .join(" & ");
}

export class QueryError extends Error {
  override name = "QueryError";
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(`${message}\nHint: ${hint}`);
  }
}

const lowerFirst = (name: string) => name[0]!.toLowerCase() + name.slice(1);

const unreachable = (url: string, error: unknown) =>
  new QueryError(
    `cannot reach the index at ${url}: ${(error as Error).message}`,
    "start the indexer (npm start) or check the configured URL",
  );

/**
 * A read, tried twice: a kept-alive socket that the server closed while idle fails the first attempt
 * ("fetch failed") though the index is up. Reads are idempotent, so a second attempt is safe.
 */
async function fetchRead(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch {
    try {
      return await fetch(url, init);
    } catch (error) {
      throw unreachable(url, error);
    }
  }
}

async function post(url: string, query: string, variables: Record<string, unknown>): Promise<Row> {
  const response = await fetchRead(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json().catch(() => ({}))) as { data?: Row; errors?: { message: string }[] };
  if (body.errors?.length) {
    throw new QueryError(
      `the index at ${url} rejected a query: ${body.errors.map((e) => e.message).join("; ")}`,
      "the index may run an older schema: redeploy or reindex it",
    );
  }
  if (!body.data)
    throw new QueryError(
      `the index at ${url} answered ${response.status} without data`,
      "check that the URL is the GraphQL endpoint",
    );
  return body.data;
}

/** How one dialect names a list: its root field, argument types, paging argument, and where the rows are. */
interface ListShape {
  field(entity: string): string;
  /** GraphQL types of the where / orderBy / orderDirection arguments (`first` is an Int in both). */
  types(entity: string): [where: string, orderBy: string, direction: string];
  /** The argument that takes `first` (Ponder: `limit`). */
  firstArg: string;
  /** The selection of the row fields inside the list (Ponder wraps them in `items`). */
  select(fields: string): string;
  rows(result: unknown): Row[];
}

/** Several lists as the aliased root fields `q0`, `q1`, … of one query: one round trip. */
async function batchList(url: string, shape: ListShape, requests: readonly ListRequest[]): Promise<Row[][]> {
  const params: string[] = [];
  const selections: string[] = [];
  const variables: Record<string, unknown> = {};
  requests.forEach(({ entity, fields, options }, i) => {
    const [where, orderBy, direction] = shape.types(entity);
    params.push(`$w${i}: ${where}, $f${i}: Int, $o${i}: ${orderBy}, $d${i}: ${direction}`);
    selections.push(
      `q${i}: ${shape.field(entity)}(where: $w${i}, ${shape.firstArg}: $f${i}, orderBy: $o${i}, orderDirection: $d${i}) { ${shape.select(fields.join(" "))} }`,
    );
    Object.assign(variables, {
      [`w${i}`]: options.where ?? {},
      [`f${i}`]: options.first,
      [`o${i}`]: options.orderBy,
      [`d${i}`]: options.orderDirection,
    });
  });
  const data = await post(url, `query(${params.join(", ")}) { ${selections.join("\n")} }`, variables);
  return requests.map((_, i) => shape.rows(data[`q${i}`]));
}

const PONDER_SHAPE: ListShape = {
  field: (entity) => `${lowerFirst(entity)}s`,
  types: (entity) => [`${lowerFirst(entity)}Filter`, "String", "String"],
  firstArg: "limit",
  select: (fields) => `items { ${fields} }`,
  rows: (result) => (result as { items: Row[] }).items,
};

/**
 * The Ponder app's `POST /list` beside `/graphql`: the same lists answered by SQL without a GraphQL
 * document per call. Resolves to undefined when the app has no such endpoint (an older indexer).
 */
async function sqlList(listUrl: string, requests: readonly ListRequest[]): Promise<Row[][] | undefined> {
  const response = await fetchRead(listUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ requests }),
  });
  if (response.status === 404) return undefined;
  const body = (await response.json().catch(() => ({}))) as {
    results?: Row[][];
    error?: string;
    hint?: string;
  };
  if (!body.results)
    throw new QueryError(
      `the index at ${listUrl} rejected a list (${response.status}): ${body.error ?? "no results"}`,
      body.hint ?? "the indexer may run an older schema: restart it from the current code",
    );
  return body.results;
}

/**
 * Ponder's dialect. Lists go to the app's `POST /list` (SQL) unless `transport` is "graphql" or the app
 * has no /list (then Ponder's GraphQL answers them, as before).
 */
export function ponderDialect(url: string, transport: "list" | "graphql" = "list"): Dialect {
  const listUrl = new URL("list", url).href;
  const headUrl = new URL("head", url).href;
  let sqlListing = transport === "list";
  return {
    kind: "ponder",
    async list(entity, fields, options) {
      return (await this.listMany([{ entity, fields, options }]))[0]!;
    },
    async listMany(requests) {
      if (sqlListing) {
        const results = await sqlList(listUrl, requests);
        if (results) return results;
        sqlListing = false;
      }
      return batchList(url, PONDER_SHAPE, requests);
    },
    async fullText(tsquery, first) {
      // Ponder's GraphQL has no text search: the app serves it at /search beside /graphql.
      const endpoint = new URL("search", url);
      endpoint.search = new URLSearchParams({ q: tsquery, first: String(first) }).toString();
      const response = await fetchRead(endpoint.href);
      const body = (await response.json().catch(() => ({}))) as {
        items?: { id: string }[];
        error?: string;
        hint?: string;
      };
      if (!body.items)
        throw new QueryError(
          `the index at ${endpoint.origin} refused a search (${response.status}): ${body.error ?? "no items"}`,
          body.hint ?? "the indexer may predate full-text search: restart it from the current code",
        );
      return body.items.map((i) => i.id);
    },
    async daily(rollup, { fromDay, toDay }) {
      const where: Record<string, unknown> = {};
      if (fromDay !== undefined) where.day_gte = String(fromDay);
      if (toDay !== undefined) where.day_lte = String(toDay);
      const fields = ["day", ...DAILY_FIELDS[rollup]];
      return this.list(rollup, fields, { where, first: DAILY_MAX, orderBy: "day", orderDirection: "asc" });
    },
    async head() {
      // The app's GET /head: Ponder's checkpoint, which moves in the same transaction as each block's rows.
      const response = await fetchRead(headUrl, { headers: { "cache-control": "no-cache" } });
      const body = (await response.json().catch(() => ({}))) as {
        checkpoint?: string;
        block?: number;
        timestamp?: number;
      };
      if (typeof body.checkpoint !== "string" || body.block === undefined || body.timestamp === undefined)
        throw new QueryError(
          `the index at ${headUrl} did not say its head (${response.status})`,
          "the indexer may predate GET /head: restart it from the current code",
        );
      return { version: body.checkpoint, block: BigInt(body.block), timestamp: BigInt(body.timestamp) };
    },
  };
}

/** graph-node's collection name: plural, or `<name>_collection` where the plural equals the singular. */
const SUBGRAPH_PLURALS: Record<string, string> = {
  Terms: "terms_collection",
  WorkMetadata: "workMetadata_collection",
};

const SUBGRAPH_SHAPE: ListShape = {
  field: (entity) => SUBGRAPH_PLURALS[entity] ?? `${lowerFirst(entity)}s`,
  types: (entity) => [`${entity}_filter`, `${entity}_orderBy`, "OrderDirection"],
  firstArg: "first",
  select: (fields) => fields,
  rows: (result) => result as Row[],
};

export function subgraphDialect(url: string): Dialect {
  return {
    kind: "subgraph",
    async list(entity, fields, options) {
      return (await this.listMany([{ entity, fields, options }]))[0]!;
    },
    listMany: (requests) => batchList(url, SUBGRAPH_SHAPE, requests),
    async fullText(tsquery, first) {
      // The schema's `@fulltext(name: "workSearch")` field (graph-node: to_tsquery + ts_rank).
      const query = `query($text: String!, $first: Int) { workSearch(text: $text, first: $first) { id } }`;
      const data = await post(url, query, { text: tsquery, first });
      return (data.workSearch as Row[]).map((r) => String(r.id));
    },
    async daily(rollup, { fromDay, toDay }) {
      // graph-node's aggregation query: the lower-cased type name, an interval, µs timestamps.
      const where: Record<string, unknown> = {};
      if (fromDay !== undefined) where.timestamp_gte = String(BigInt(fromDay) * US_PER_S);
      if (toDay !== undefined) where.timestamp_lt = String((BigInt(toDay) + 86_400n) * US_PER_S);
      const field = lowerFirst(rollup);
      const query = `query($w: ${rollup}_filter, $f: Int) { rows: ${field}(interval: "day", where: $w, first: $f, orderBy: timestamp, orderDirection: asc) { timestamp ${DAILY_FIELDS[rollup].join(" ")} } }`;
      const data = await post(url, query, { w: where, f: DAILY_MAX });
      return (data.rows as Row[]).map(({ timestamp, ...rest }) => ({
        day: String(BigInt(String(timestamp)) / US_PER_S),
        ...rest,
      }));
    },
    async head() {
      const data = await post(url, `{ _meta { block { number hash timestamp } } }`, {});
      const block = (
        data._meta as { block: { number: number; hash: string | null; timestamp: number | null } }
      ).block;
      return {
        version: `${block.number}:${block.hash ?? ""}`,
        block: BigInt(block.number),
        timestamp: BigInt(block.timestamp ?? 0),
      };
    },
  };
}
