import { ponder } from "ponder:registry";
import { workMetadata } from "ponder:schema";
import { eq } from "ponder";
import { fetcherFromEnv } from "../lib/metadata.ts";

/** One fetcher per indexing process; handlers only read its results (never await IPFS). */
export const metadataFetcher = fetcherFromEnv();

let checkedOnce = false;
let seenResolved = -1;

ponder.on("MetadataRetry:block", async ({ context }) => {
  // The first block of a process picks up rows left pending by a previous run; later blocks query
  // only when the fetcher has finished something new.
  if (checkedOnce && metadataFetcher.resolvedCount === seenResolved) return;
  checkedOnce = true;
  seenResolved = metadataFetcher.resolvedCount;
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
