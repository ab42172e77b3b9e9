/** A work's provenance as one timeline: mint, transfers, licences, flags and its job's history. */
import type { Dialect, Row } from "./dialect.ts";
import { MAX_PAGE } from "./listing.ts";
import { WORK_FIELDS, toWork, type WorkSummary } from "./works.ts";

export interface TimelineEntry {
  kind: "minted" | "transfer" | "license" | "flag" | "job";
  blockNumber: bigint;
  detail: Row;
}

/** A work's provenance in chain order: mint, transfers, licences, flags and its job's history. */
export async function provenance(
  dialect: Dialect,
  id: string | bigint,
): Promise<{ work: WorkSummary; parents: Row[]; timeline: TimelineEntry[] } | null> {
  // One round trip for the work and its lists; a second only for a generated work's job history.
  const workId = id.toString();
  const [[workRow], parents, transfers, licenses, flags] = (await dialect.listMany([
    { entity: "Work", fields: WORK_FIELDS, options: { where: { id: workId }, first: 1 } },
    {
      entity: "WorkParent",
      fields: ["id", "parent", "index", "shareBps"],
      options: { where: { child: workId }, first: 16, orderBy: "index", orderDirection: "asc" },
    },
    {
      entity: "Transfer",
      fields: ["id", "from", "to", "blockNumber", "tx"],
      options: { where: { work: workId }, first: MAX_PAGE, orderBy: "blockNumber", orderDirection: "asc" },
    },
    {
      entity: "License",
      fields: ["id", "licensee", "terms", "price", "currency", "expiry", "isPrivate", "blockNumber"],
      options: { where: { work: workId }, first: MAX_PAGE, orderBy: "blockNumber", orderDirection: "asc" },
    },
    {
      entity: "FlagChange",
      fields: ["id", "flagged", "reason", "blockNumber"],
      options: { where: { work: workId }, first: MAX_PAGE, orderBy: "blockNumber", orderDirection: "asc" },
    },
  ])) as [Row[], Row[], Row[], Row[], Row[]];
  if (!workRow) return null;
  const work = toWork(workRow);
  const jobEvents = work.job
    ? await dialect.list("JobEvent", ["id", "status", "node", "blockNumber"], {
        where: { job: work.job },
        first: 100,
        orderBy: "blockNumber",
        orderDirection: "asc",
      })
    : [];
  const entry =
    (kind: TimelineEntry["kind"]) =>
    (row: Row): TimelineEntry => ({ kind, blockNumber: BigInt(row.blockNumber as string), detail: row });
  const timeline = [
    ...jobEvents.map(entry("job")),
    ...transfers.map((t) => entry(BigInt(t.from as string) === 0n ? "minted" : "transfer")(t)),
    ...licenses.map(entry("license")),
    ...flags.map(entry("flag")),
  ].sort((a, b) =>
    a.blockNumber === b.blockNumber
      ? String(a.detail.id).localeCompare(String(b.detail.id))
      : a.blockNumber < b.blockNumber
        ? -1
        : 1,
  );
  return { work, parents, timeline };
}
