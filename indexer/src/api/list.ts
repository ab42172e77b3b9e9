/**
 * `POST /list`: the query layer's list requests answered by SQL directly, a batch per request — the
 * same filters, order and rows as Ponder's GraphQL lists (`<entity>s(where, limit, orderBy,
 * orderDirection) { items }`), without parsing, validating and resolving a GraphQL document per call.
 * Body: `{ requests: [{ entity, fields, options: { where, first, orderBy, orderDirection } }] }`;
 * answer: `{ results: Row[][] }` (bigint as decimal strings, as the GraphQL API gives them).
 */
import type { Context, Hono } from "hono";
import { db } from "ponder:api";
import schema from "ponder:schema";
import { and, asc, desc, eq, gt, gte, inArray, lt, lte, sql } from "ponder";

type SQL = ReturnType<typeof sql>;

const MAX_FIRST = 1000;
const MAX_REQUESTS = 50;
const OPERATORS = { gt, gte, lt, lte } as const;

interface Column {
  name: string;
  dataType: string;
  columnType: string;
}
type Table = Record<string, unknown>;

const lowerFirst = (name: string) => name[0]!.toLowerCase() + name.slice(1);

class BadRequest extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

function tableOf(entity: unknown): Table {
  const table =
    typeof entity === "string" ? (schema as Record<string, unknown>)[lowerFirst(entity)] : undefined;
  if (!table || typeof table !== "object" || !("id" in table))
    throw new BadRequest(
      `no entity "${String(entity).slice(0, 60)}"`,
      "use an entity name of the schema (e.g. Work)",
    );
  return table as Table;
}

function columnOf(table: Table, entity: string, field: string): Column {
  const column = Object.hasOwn(table, field) ? (table[field] as Column) : undefined;
  if (!column || typeof column !== "object" || !("columnType" in column))
    throw new BadRequest(`${entity} has no field "${field.slice(0, 60)}"`, "ask for fields of the schema");
  return column;
}

/** A filter value as the column stores it (GraphQL passes BigInt as strings). */
function value(column: Column, v: unknown): unknown {
  if (column.dataType === "bigint") {
    if (typeof v !== "string" && typeof v !== "number" && typeof v !== "bigint")
      throw new BadRequest(
        `${column.name}: ${JSON.stringify(v)} is not an integer`,
        "pass BigInt values as strings",
      );
    return BigInt(v);
  }
  return v;
}

function condition(table: Table, entity: string, key: string, expected: unknown): SQL {
  const m = /^(\w+?)(_in|_gt|_gte|_lt|_lte)?$/.exec(key);
  if (!m)
    throw new BadRequest(
      `filter "${key.slice(0, 60)}" is not <field>[_in|_gt|_gte|_lt|_lte]`,
      "see ListOptions",
    );
  const column = columnOf(table, entity, m[1]!) as never;
  const op = m[2];
  if (op === "_in") {
    if (!Array.isArray(expected)) throw new BadRequest(`${key} needs a list`, "pass an array");
    // An empty list matches nothing (as Ponder's GraphQL does).
    return expected.length === 0
      ? sql`false`
      : inArray(
          column,
          expected.map((v) => value(column, v)),
        );
  }
  if (op) return OPERATORS[op.slice(1) as keyof typeof OPERATORS](column, value(column, expected));
  return expected === null ? sql`${column} is null` : eq(column, value(column, expected));
}

const json = (row: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]));

async function list(request: unknown): Promise<Record<string, unknown>[]> {
  const { entity, fields, options } = (request ?? {}) as {
    entity?: string;
    fields?: unknown;
    options?: { where?: Record<string, unknown>; first?: unknown; orderBy?: string; orderDirection?: string };
  };
  const table = tableOf(entity);
  if (!Array.isArray(fields) || fields.length === 0)
    throw new BadRequest(`${entity}: fields must be a non-empty list`, "name the fields to return");
  const selection = Object.fromEntries(fields.map((f: string) => [f, columnOf(table, entity!, f) as never]));
  const first = Number(options?.first ?? 100);
  if (!Number.isInteger(first) || first < 1 || first > MAX_FIRST)
    throw new BadRequest(`first ${String(options?.first)} is not in 1..${MAX_FIRST}`, "page with a cursor");
  const where = Object.entries(options?.where ?? {}).map(([k, v]) => condition(table, entity!, k, v));
  const orderColumn = columnOf(table, entity!, options?.orderBy ?? "id") as never;
  const direction = options?.orderDirection === "desc" ? desc : asc;
  // Ties in the primary key's order, in the same direction (as Ponder's GraphQL pages them). A lookup
  // (first 1, no order asked: by id, content hash, watermark id) is not ordered: an order by id would
  // let the planner walk the primary key and filter, instead of using the lookup column's index.
  const order =
    first === 1 && !options?.orderBy
      ? []
      : [
          direction(orderColumn),
          ...(options?.orderBy && options.orderBy !== "id" ? [direction(table.id as never)] : []),
        ];
  const rows = await db
    .select(selection)
    .from(table as never)
    .where(where.length ? and(...where) : undefined)
    .orderBy(...order)
    .limit(first);
  return (rows as Record<string, unknown>[]).map(json);
}

export function mountList(app: Hono): void {
  app.post("/list", async (c: Context) => {
    const body = (await c.req.json().catch(() => null)) as { requests?: unknown } | null;
    const requests = body?.requests;
    if (!Array.isArray(requests) || requests.length === 0 || requests.length > MAX_REQUESTS)
      return c.json(
        { error: `requests must be a list of 1..${MAX_REQUESTS}`, hint: "send { requests: [...] }" },
        400,
      );
    try {
      return c.json({ results: await Promise.all(requests.map(list)) });
    } catch (error) {
      if (error instanceof BadRequest) return c.json({ error: error.message, hint: error.hint }, 400);
      throw error;
    }
  });
}
