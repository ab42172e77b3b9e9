import { ponder, type Context } from "ponder:registry";
import { legalText, workMetadata } from "ponder:schema";
import { and, asc, eq, gt } from "ponder";
import { fetcherFromEnv } from "../lib/metadata.ts";
import { legalTextFetcherFromEnv } from "../lib/legal-text.ts";

/** One fetcher per kind per indexing process; handlers only read their results (never await IPFS). */
export const metadataFetcher = fetcherFromEnv();
export const legalTextFetcher = legalTextFetcherFromEnv();

/** Pending rows are handed to the fetchers this many per block during a sweep. */
const SWEEP_PAGE = 200;
/**
 * A sweep over the pending rows starts with the process (rows a previous run left) and again at most
 * this often: it catches a row a reorg set back to pending after the fetcher had seen it written.
 */
const SWEEP_EVERY_MS = 60_000;
/** Where the sweep stands: the last id asked for per table, `done` once both tables are through. */
const sweep = { legalText: "", workMetadata: "", done: false, startedAt: Date.now() };

/**
 * Asks the fetchers for the next page of pending rows (a fetched one is handed out again, see
 * `MetadataFetcher.request`). Raw SQL costs Ponder a parse, a cache flush and a savepoint per query, so
 * this runs during a sweep only, not on every block.
 */
async function sweepPending(db: Context["db"]) {
  const nextPage = async (table: typeof legalText | typeof workMetadata, after: string) =>
    (
      await db.sql
        .select({ id: table.id })
        .from(table)
        .where(and(eq(table.status, "pending"), gt(table.id, after)))
        .orderBy(asc(table.id))
        .limit(SWEEP_PAGE)
    ).map((row) => row.id);
  const texts = await nextPage(legalText, sweep.legalText);
  for (const id of texts) legalTextFetcher.request(id);
  const works = await nextPage(workMetadata, sweep.workMetadata);
  for (const id of works) metadataFetcher.request(id);
  sweep.legalText = texts.at(-1) ?? sweep.legalText;
  sweep.workMetadata = works.at(-1) ?? sweep.workMetadata;
  sweep.done = texts.length < SWEEP_PAGE && works.length < SWEEP_PAGE;
}

ponder.on("MetadataRetry:block", async ({ context }) => {
  if (sweep.done && Date.now() - sweep.startedAt > SWEEP_EVERY_MS)
    Object.assign(sweep, { legalText: "", workMetadata: "", done: false, startedAt: Date.now() });
  if (!sweep.done) await sweepPending(context.db);
  // What the fetchers finished, written by primary key: a block during which nothing arrived costs
  // nothing (a burst of fulfilled jobs makes a block for every transaction). A row found no longer
  // pending was written by an earlier block (or reverted by a reorg): the fetcher can forget it.
  for (const { cid, result } of legalTextFetcher.unwritten()) {
    const row = await context.db.find(legalText, { id: cid });
    if (row?.status !== "pending") {
      legalTextFetcher.written(cid);
      continue;
    }
    const fields =
      result.status === "ok"
        ? { status: "ok", reason: null, title: result.title, summary: result.summary, size: result.size }
        : { status: "rejected", reason: result.reason, size: result.size };
    await context.db.update(legalText, { id: cid }).set({ ...fields, attempts: row.attempts + 1 });
  }
  for (const { cid, result } of metadataFetcher.unwritten()) {
    const row = await context.db.find(workMetadata, { id: cid });
    if (row?.status !== "pending") {
      metadataFetcher.written(cid);
      continue;
    }
    const fields =
      result.status === "ok"
        ? {
            status: "ok",
            reason: null,
            name: result.name,
            description: result.description,
            image: result.image,
            prompt: result.prompt,
          }
        : { status: "rejected", reason: result.reason };
    await context.db.update(workMetadata, { id: cid }).set({ ...fields, attempts: row.attempts + 1 });
  }
});
