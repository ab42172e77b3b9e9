/**
 * A GraphQL server that answers graph-node's query dialect (plural lists with `where`, `first`,
 * `skip`, `orderBy`, `orderDirection`; `_in/_gt/_gte/_lt/_lte/_contains` filters; String ids sort
 * lexically) over the subgraph host's store. It stands in for graph-node in the adapter parity test:
 * graph-node itself cannot run on this machine, so the subgraph adapter is checked against this
 * dialect, not against graph-node. The schema's `@fulltext` field `workSearch` is answered the way
 * graph-node does it, by Postgres (PGlite here): a tsvector over the included fields, `to_tsquery`
 * of the text, ts_rank order. The field weights (A/B/C) and the tie order (id) follow the Ponder app's
 * /search and were not checked against graph-node's own. The `@aggregation` types `DailySales` and
 * `DailyJobs` are answered as `dailySales(interval: "day", …)` / `dailyJobs(…)` by rolling the
 * timeseries points up per UTC day (graph-node computes them itself); the query shape follows graph-
 * node's documentation and was not checked against a running graph-node.
 */
import { createServer, type Server } from "node:http";
import { PGlite } from "@electric-sql/pglite";
import { buildSchema, graphql, GraphQLScalarType } from "graphql";
import { dailyRollup, type EntityType } from "@atelier/subgraph/host";

type Entities = (type: string) => Record<string, Record<string, unknown>>;
const PLURALS: Record<string, string> = {
  Terms: "terms_collection",
  WorkMetadata: "workMetadata_collection",
};
/** The schema's aggregations: source timeseries, dimension, summed field (`volume`). */
const AGGREGATIONS = [
  { name: "DailySales", source: "LicenseSale", dimension: "currency", summed: "price" },
  { name: "DailyJobs", source: "JobStatusPoint", dimension: "status", summed: undefined },
] as const;
const lowerFirst = (name: string) => name[0]!.toLowerCase() + name.slice(1);
const NUMERIC = new Set(["BigInt", "Int", "Int8", "Timestamp"]);

function compare(type: string, a: unknown, b: unknown): number {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  if (NUMERIC.has(type)) {
    const x = BigInt(a as string | number);
    const y = BigInt(b as string | number);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = String(a).toLowerCase();
  const y = String(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function matches(type: EntityType, row: Record<string, unknown>, where: Record<string, unknown>): boolean {
  for (const [key, expected] of Object.entries(where)) {
    const m = /^(\w+?)(_in|_gt|_gte|_lt|_lte|_contains|_not)?$/.exec(key)!;
    const field = m[1]!;
    const op = m[2] ?? "";
    const fieldType = type.fieldTypes[field] ?? "String";
    const value = row[field];
    const c = () => compare(fieldType, value, expected);
    const ok =
      op === ""
        ? c() === 0
        : op === "_not"
          ? c() !== 0
          : op === "_in"
            ? (expected as unknown[]).some((e) => compare(fieldType, value, e) === 0)
            : op === "_gt"
              ? c() > 0
              : op === "_gte"
                ? c() >= 0
                : op === "_lt"
                  ? c() < 0
                  : op === "_lte"
                    ? c() <= 0
                    : typeof value === "string" && value.includes(String(expected));
    if (!ok) return false;
  }
  return true;
}

export async function startGraphNodeDialect(
  types: Map<string, EntityType>,
  entities: Entities,
): Promise<{ url: string; stop(): Promise<void> }> {
  const sdl = ["scalar Any", "scalar OrderDirection"];
  const query: string[] = [];
  for (const t of types.values()) {
    sdl.push(
      `scalar ${t.name}_filter`,
      `scalar ${t.name}_orderBy`,
      `type ${t.name} { ${t.fields.map((f) => `${f}: Any`).join(" ")} }`,
    );
    query.push(
      `${PLURALS[t.name] ?? `${lowerFirst(t.name)}s`}(where: ${t.name}_filter, first: Int, skip: Int, orderBy: ${t.name}_orderBy, orderDirection: OrderDirection): [${t.name}!]!`,
      `${lowerFirst(t.name)}(id: ID!): ${t.name}`,
    );
  }
  query.push("workSearch(text: String!, first: Int, skip: Int): [WorkMetadata!]!");
  for (const a of AGGREGATIONS) {
    sdl.push(
      `scalar ${a.name}_filter`,
      `type ${a.name} { id: Any timestamp: Any ${a.dimension}: Any count: Any${a.summed ? " volume: Any" : ""} }`,
    );
    query.push(
      `${lowerFirst(a.name)}(interval: String!, where: ${a.name}_filter, first: Int, orderBy: Any, orderDirection: OrderDirection): [${a.name}!]!`,
    );
  }
  sdl.push(`type Query { ${query.join("\n")} }`);
  const schema = buildSchema(sdl.join("\n"));
  for (const name of Object.keys(schema.getTypeMap())) {
    const scalar = schema.getType(name);
    if (scalar instanceof GraphQLScalarType && !["String", "Int", "Float", "Boolean", "ID"].includes(name)) {
      scalar.serialize = (v) => v;
      scalar.parseValue = (v) => v;
    }
  }
  const root: Record<string, unknown> = {};
  for (const t of types.values()) {
    const rows = () => Object.values(entities(t.name));
    root[PLURALS[t.name] ?? `${lowerFirst(t.name)}s`] = (args: {
      where?: Record<string, unknown>;
      first?: number;
      skip?: number;
      orderBy?: string;
      orderDirection?: string;
    }) => {
      const first = Math.min(args.first ?? 100, 1000);
      const orderBy = args.orderBy ?? "id";
      const sign = args.orderDirection === "desc" ? -1 : 1;
      return rows()
        .filter((r) => matches(t, r, args.where ?? {}))
        .sort(
          (a, b) =>
            sign * compare(t.fieldTypes[orderBy] ?? "String", a[orderBy], b[orderBy]) ||
            compare("String", a.id, b.id),
        )
        .slice(args.skip ?? 0, (args.skip ?? 0) + first);
    };
    root[lowerFirst(t.name)] = (args: { id: string }) => entities(t.name)[args.id] ?? null;
  }
  for (const a of AGGREGATIONS)
    root[lowerFirst(a.name)] = (args: {
      interval: string;
      where?: Record<string, string>;
      first?: number;
    }) => {
      if (args.interval !== "day") throw new Error(`${a.name} has no interval "${args.interval}"`);
      const gte = BigInt(args.where?.timestamp_gte ?? "0");
      const lt = args.where?.timestamp_lt === undefined ? undefined : BigInt(args.where.timestamp_lt);
      return dailyRollup(entities(a.source), a.dimension, a.summed)
        .map((r, i) => ({
          id: String(i + 1),
          timestamp: String(BigInt(r.day) * 1_000_000n),
          [a.dimension]: r.dimension,
          count: String(r.count),
          ...(a.summed ? { volume: r.sum.toString() } : {}),
        }))
        .filter((r) => BigInt(r.timestamp) >= gte && (lt === undefined || BigInt(r.timestamp) < lt))
        .slice(0, Math.min(args.first ?? 100, 1000));
    };
  const pg = new PGlite();
  await pg.exec("CREATE TABLE work_metadata (id text PRIMARY KEY, name text, description text, prompt text)");
  root.workSearch = async (args: { text: string; first?: number; skip?: number }) => {
    const rows = Object.values(entities("WorkMetadata"));
    await pg.exec("DELETE FROM work_metadata");
    for (const r of rows)
      await pg.query("INSERT INTO work_metadata VALUES ($1, $2, $3, $4)", [
        r.id,
        r.name ?? null,
        r.description ?? null,
        r.prompt ?? null,
      ]);
    const doc = `(setweight(to_tsvector('english', coalesce(name, '')), 'A') || setweight(to_tsvector('english', coalesce(description, '')), 'B') || setweight(to_tsvector('english', coalesce(prompt, '')), 'C'))`;
    const found = await pg.query<{ id: string }>(
      `SELECT id FROM work_metadata WHERE ${doc} @@ to_tsquery('english', $1)
       ORDER BY ts_rank(${doc}, to_tsquery('english', $1)) DESC, id LIMIT $2 OFFSET $3`,
      [args.text, Math.min(args.first ?? 100, 1000), args.skip ?? 0],
    );
    const byId = entities("WorkMetadata");
    return found.rows.map((r) => byId[r.id]);
  };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", async () => {
      const { query: source, variables } = JSON.parse(body) as {
        query: string;
        variables?: Record<string, unknown>;
      };
      const result = await graphql({ schema, source, rootValue: root, variableValues: variables });
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(result));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/graphql`,
    stop: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pg.close();
    },
  };
}
