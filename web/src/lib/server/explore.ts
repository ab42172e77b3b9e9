/** Explore's data: one page of work cards for a parsed URL query, through the query layer. */
import { zeroAddress } from "viem";
import type { WorkFilter, WorkSummary } from "@atelier/query";
import { rightsMask, type ExploreQuery } from "../explore.ts";
import { gatewayUrl } from "../config.ts";
import { config, index } from "./index.ts";

/** Works per Explore page (ATELIER_EXPLORE_PAGE_SIZE overrides it, e.g. to test paging on a small market). */
export const PAGE_SIZE = Number(process.env.ATELIER_EXPLORE_PAGE_SIZE) || 24;
/** How many matches a text search or a newest-first offer filter considers (the index caps a page at 1000). */
const SCAN = 999;

export interface WorkCard {
  id: string;
  name: string | null;
  metadataStatus: string;
  image: string | null;
  creator: string;
  owner: string;
  source: "upload" | "generated";
  model: string | null;
  licensesSold: number;
  flagged: boolean;
  sells: boolean;
}

export interface ExplorePage {
  cards: WorkCard[];
  next: string | null;
  /** true when a text search matched more works than were scanned. */
  truncated: boolean;
}

function toFilter(q: ExploreQuery): WorkFilter {
  const filter: WorkFilter = {};
  if (q.creator) filter.creator = q.creator;
  if (q.model) filter.model = q.model;
  if (q.source) filter.source = q.source;
  const rights = rightsMask(q.rights);
  if (rights) filter.rights = rights;
  if (q.currency) filter.currency = q.currency === "eth" ? zeroAddress : q.currency;
  if (q.minPrice !== undefined) filter.minPrice = q.minPrice;
  if (q.maxPrice !== undefined) filter.maxPrice = q.maxPrice;
  if (q.available) filter.available = true;
  return filter;
}

const byNumber = (a: WorkSummary, b: WorkSummary) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1);

/** Sorts and cuts an in-memory match list at the cursor (the last id of the previous page). */
function pageOf(
  all: WorkSummary[],
  q: ExploreQuery,
  size: number,
): { items: WorkSummary[]; next: string | null } {
  const sorted = [...all].sort(byNumber);
  if (q.sort === "newest") sorted.reverse();
  const start = q.after
    ? sorted.findIndex((w) =>
        q.sort === "newest" ? BigInt(w.id) < BigInt(q.after) : BigInt(w.id) > BigInt(q.after),
      )
    : 0;
  const items = start < 0 ? [] : sorted.slice(start, start + size);
  const more = start >= 0 && sorted.length > start + size;
  return { items, next: more ? items[items.length - 1]!.id : null };
}

export async function explore(q: ExploreQuery, size = PAGE_SIZE): Promise<ExplorePage> {
  const queries = index();
  const filter = toFilter(q);
  let items: WorkSummary[];
  let next: string | null;
  let truncated = false;
  if (q.q) {
    const [found, filtered] = await Promise.all([
      queries.search(q.q, SCAN),
      Object.keys(filter).length ? queries.listWorks(filter, { first: SCAN }) : null,
    ]);
    truncated = found.length >= SCAN;
    const allowed = filtered ? new Set(filtered.items.map((w) => w.id)) : null;
    ({ items, next } = pageOf(
      found.filter((w) => !allowed || allowed.has(w.id)),
      q,
      size,
    ));
  } else if (q.sort === "oldest") {
    // The query layer pages by work number, ascending: its cursor is ours.
    const page = await queries.listWorks(filter, { first: size, after: q.after || undefined });
    ({ items, next } = page);
  } else if (
    filter.rights === undefined &&
    !filter.currency &&
    filter.minPrice === undefined &&
    filter.maxPrice === undefined &&
    !filter.available
  ) {
    ({ items, next } = await queries.newestWorks(filter, { first: size, before: q.after || undefined }));
  } else {
    // Newest first with offer filters: the query layer pages only ascending, so scan its matches here.
    const page = await queries.listWorks(filter, { first: SCAN });
    truncated = page.next !== null;
    ({ items, next } = pageOf(page.items, q, size));
  }
  return { cards: await cards(items), next, truncated };
}

export async function cards(items: WorkSummary[]): Promise<WorkCard[]> {
  const metadata = await index().metadataOf(items.map((w) => w.metadataCid));
  const gateway = config().gateway;
  return items.map((w) => {
    const m = metadata.get(w.metadataCid);
    return {
      id: w.id,
      name: m?.name ?? null,
      metadataStatus: m?.status ?? "pending",
      image: gatewayUrl(m?.image, gateway),
      creator: w.creator,
      owner: w.owner,
      source: w.source,
      model: w.model,
      licensesSold: w.licensesSold,
      flagged: w.flagged,
      sells: !w.flagged && !w.salesPaused && !w.exclusiveSold,
    };
  });
}
