import { ponder } from "ponder:registry";
import { legalText, workMetadata } from "ponder:schema";
import { eq } from "ponder";
import { fetcherFromEnv } from "../lib/metadata.ts";
import { legalTextFetcherFromEnv } from "../lib/legal-text.ts";

/** One fetcher per kind per indexing process; handlers only read their results (never await IPFS). */
export const metadataFetcher = fetcherFromEnv();
export const legalTextFetcher = legalTextFetcherFromEnv();

let checkedOnce = false;
let seenResolved = -1;

ponder.on("MetadataRetry:block", async ({ context }) => {
  // The first block of a process picks up rows left pending by a previous run; later blocks query
  // only when a fetcher has finished something new.
  const resolved = metadataFetcher.resolvedCount + legalTextFetcher.resolvedCount;
  if (checkedOnce && resolved === seenResolved) return;
  checkedOnce = true;
  seenResolved = resolved;
  const texts = await context.db.sql
    .select()
    .from(legalText)
    .where(eq(legalText.status, "pending"))
    .limit(200);
  for (const row of texts) {
    const result = legalTextFetcher.result(row.id);
    if (!result) {
      legalTextFetcher.request(row.id);
      continue;
    }
    const fields =
      result.status === "ok"
        ? { status: "ok", reason: null, title: result.title, summary: result.summary, size: result.size }
        : { status: "rejected", reason: result.reason, size: result.size };
    await context.db.update(legalText, { id: row.id }).set({ ...fields, attempts: row.attempts + 1 });
  }
  const pending = await context.db.sql
    .select()
    .from(workMetadata)
    .where(eq(workMetadata.status, "pending"))
    .limit(200);
  for (const row of pending) {
    const result = metadataFetcher.result(row.id);
    if (!result) {
      metadataFetcher.request(row.id);
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
    await context.db.update(workMetadata, { id: row.id }).set({ ...fields, attempts: row.attempts + 1 });
  }
});
