/** Full-text search over the works' metadata. */
import type { Dialect } from "./dialect.ts";
import { QueryError, toTsQuery } from "./dialect.ts";
import { MAX_PAGE } from "./listing.ts";
import { WORK_FIELDS, toWork, type WorkSummary } from "./works.ts";

/**
 * Full-text search over titles, descriptions and prompts: every word required, english stemming
 * ("dunes" finds "dune"), ranked (title over description over prompt, then metadata CID); `first`
 * works (≤ 999). Markup-like text (`<b>…</b>`) is not a word to Postgres' parser.
 */
export async function search(dialect: Dialect, text: string, first = 20): Promise<WorkSummary[]> {
  const tsquery = toTsQuery(text);
  if (!tsquery)
    throw new QueryError(
      `search text "${text.slice(0, 40)}" has no words`,
      "search for at least one word of letters or digits",
    );
  const limit = Math.min(Math.max(1, first), MAX_PAGE - 1);
  const cids = await dialect.fullText(tsquery, limit);
  if (cids.length === 0) return [];
  const rows = await dialect.list("Work", WORK_FIELDS, {
    where: { metadata_in: cids },
    first: MAX_PAGE,
    orderBy: "number",
    orderDirection: "asc",
  });
  // Rank order of the metadata, then work number (works sharing one metadata object).
  const rank = new Map(cids.map((cid, i) => [cid, i]));
  return rows
    .map(toWork)
    .sort((x, y) => rank.get(x.metadataCid)! - rank.get(y.metadataCid)!)
    .slice(0, limit);
}
