import { db } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { client, desc, graphql, sql } from "ponder";
import { searchDocument, TSQUERY_SHAPE } from "../../lib/search.ts";
import { relaxCommitDurability } from "./commit-durability.ts";
import { mountEmbeddings } from "./embeddings.ts";
import { mountList } from "./list.ts";
import { mountReadCache } from "./read-cache.ts";

const app = new Hono();

const synchronousCommit = await relaxCommitDurability();
if (synchronousCommit !== undefined && synchronousCommit !== "off")
  console.warn(`indexer: PGlite kept synchronous_commit = ${synchronousCommit} (commits wait for their WAL)`);

// Before the routes it serves: identical reads answered once per indexed head.
mountReadCache(app);

app.use("/graphql", graphql({ db, schema }));
app.use("/sql/*", client({ db, schema }));
mountList(app);
await mountEmbeddings(app);

/**
 * Full-text search (Ponder's GraphQL has no text-search filter): `/search?q=<word & word>&first=N`
 * answers `{ items: [{ id, rank }] }`, metadata CIDs by rank, then CID.
 */
app.get("/search", async (c) => {
  const q = c.req.query("q") ?? "";
  const first = Number(c.req.query("first") ?? "20");
  if (!TSQUERY_SHAPE.test(q))
    return c.json(
      {
        error: `q "${q.slice(0, 80)}" is not words joined by " & "`,
        hint: "build q with toTsQuery from @atelier/query",
      },
      400,
    );
  if (!Number.isInteger(first) || first < 1 || first > 1000)
    return c.json({ error: `first ${first} is not in 1..1000`, hint: "ask for 1..1000 results" }, 400);
  const m = schema.workMetadata;
  const query = sql`to_tsquery('english', ${q})`;
  const rank = sql<number>`ts_rank(${searchDocument(m)}, ${query})`;
  const items = await db
    .select({ id: m.id, rank })
    .from(m)
    .where(sql`${searchDocument(m)} @@ ${query}`)
    .orderBy(desc(rank), m.id)
    .limit(first);
  return c.json({ items });
});

export default app;
