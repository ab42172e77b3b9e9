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

export interface Dialect {
  readonly kind: "ponder" | "subgraph";
  list(entity: string, fields: readonly string[], options: ListOptions): Promise<Row[]>;
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

async function post(url: string, query: string, variables: Record<string, unknown>): Promise<Row> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new QueryError(
      `cannot reach the index at ${url}: ${(error as Error).message}`,
      "start the indexer (npm start) or check the configured URL",
    );
  }
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
      const name = lowerFirst(entity);
      const query = `query($where: ${name}Filter, $limit: Int, $orderBy: String, $orderDirection: String) {
        ${name}s(where: $where, limit: $limit, orderBy: $orderBy, orderDirection: $orderDirection) { items { ${fields.join(" ")} } }
      }`;
      const data = await post(url, query, {
        where: options.where ?? {},
        limit: options.first,
        orderBy: options.orderBy,
        orderDirection: options.orderDirection,
      });
      return (data[`${name}s`] as { items: Row[] }).items;
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
      const field = SUBGRAPH_PLURALS[entity] ?? `${lowerFirst(entity)}s`;
      const query = `query($where: ${entity}_filter, $first: Int, $orderBy: ${entity}_orderBy, $orderDirection: OrderDirection) {
        ${field}(where: $where, first: $first, orderBy: $orderBy, orderDirection: $orderDirection) { ${fields.join(" ")} }
      }`;
      const data = await post(url, query, {
        where: options.where ?? {},
        first: options.first,
        orderBy: options.orderBy,
        orderDirection: options.orderDirection,
      });
      return data[field] as Row[];
    },
  };
}
