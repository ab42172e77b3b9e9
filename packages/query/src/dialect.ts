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
}

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

export function ponderDialect(url: string): Dialect {
  return {
    kind: "ponder",
    async list(entity, fields, options) {
      return (await this.listMany([{ entity, fields, options }]))[0]!;
    },
    async listMany(requests) {
      const params: string[] = [];
      const selections: string[] = [];
      const variables: Record<string, unknown> = {};
      requests.forEach(({ entity, fields, options }, i) => {
        const name = lowerFirst(entity);
        params.push(`$w${i}: ${name}Filter, $l${i}: Int, $o${i}: String, $d${i}: String`);
        selections.push(
          `q${i}: ${name}s(where: $w${i}, limit: $l${i}, orderBy: $o${i}, orderDirection: $d${i}) { items { ${fields.join(" ")} } }`,
        );
        Object.assign(variables, {
          [`w${i}`]: options.where ?? {},
          [`l${i}`]: options.first,
          [`o${i}`]: options.orderBy,
          [`d${i}`]: options.orderDirection,
        });
      });
      const data = await post(url, `query(${params.join(", ")}) { ${selections.join("\n")} }`, variables);
      return requests.map((_, i) => (data[`q${i}`] as { items: Row[] }).items);
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
  };
}

/** graph-node's collection name: plural, or `<name>_collection` where the plural equals the singular. */
const SUBGRAPH_PLURALS: Record<string, string> = {
  Terms: "terms_collection",
  WorkMetadata: "workMetadata_collection",
};

export function subgraphDialect(url: string): Dialect {
  return {
    kind: "subgraph",
    async list(entity, fields, options) {
      return (await this.listMany([{ entity, fields, options }]))[0]!;
    },
    async listMany(requests) {
      const params: string[] = [];
      const selections: string[] = [];
      const variables: Record<string, unknown> = {};
      requests.forEach(({ entity, fields, options }, i) => {
        const field = SUBGRAPH_PLURALS[entity] ?? `${lowerFirst(entity)}s`;
        params.push(
          `$w${i}: ${entity}_filter, $f${i}: Int, $o${i}: ${entity}_orderBy, $d${i}: OrderDirection`,
        );
        selections.push(
          `q${i}: ${field}(where: $w${i}, first: $f${i}, orderBy: $o${i}, orderDirection: $d${i}) { ${fields.join(" ")} }`,
        );
        Object.assign(variables, {
          [`w${i}`]: options.where ?? {},
          [`f${i}`]: options.first,
          [`o${i}`]: options.orderBy,
          [`d${i}`]: options.orderDirection,
        });
      });
      const data = await post(url, `query(${params.join(", ")}) { ${selections.join("\n")} }`, variables);
      return requests.map((_, i) => data[`q${i}`] as Row[]);
    },
    async fullText(tsquery, first) {
      // The schema's `@fulltext(name: "workSearch")` field (graph-node: to_tsquery + ts_rank).
      const query = `query($text: String!, $first: Int) { workSearch(text: $text, first: $first) { id } }`;
      const data = await post(url, query, { text: tsquery, first });
      return (data.workSearch as Row[]).map((r) => String(r.id));
    },
  };
}
