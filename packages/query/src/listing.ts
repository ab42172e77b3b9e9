/**
 * Paged lists of works, filtered by who made or holds them, how they came to be and what their open
 * offers sell. Ordered and paged the same way on both dialects (by number, cursor = last number seen).
 */
import type { Dialect, Row } from "./dialect.ts";
import { QueryError } from "./dialect.ts";
import { WORK_FIELDS, toWork, workConditions, type WorkSummary } from "./works.ts";

export interface WorkFilter {
  creator?: string;
  owner?: string;
  model?: string;
  source?: "upload" | "generated";
  /** Works with an open offer that grants all these rights (terms flags: 1 commercial, 2 derivatives, 8 AI training, …). */
  rights?: number;
  currency?: string;
  minPrice?: bigint;
  maxPrice?: bigint;
  /** true: some open offer still has supply and the work sells; false: nothing can be bought. */
  available?: boolean;
}

export interface Page<T> {
  items: T[];
  /** Pass as `after` for the next page; null on the last page. */
  next: string | null;
}

/** Indexes cap a list at this many rows. */
export const MAX_PAGE = 1000;
const OFFER_FIELDS = [
  "id",
  "work",
  "workNumber",
  "offerId",
  "terms",
  "currency",
  "price",
  "maxSupply",
  "termsFlags",
  "active",
  "sold",
] as const;
/** Offers read per step when a filter on offers pages works (a work has one to a few offers). */
const OFFER_CHUNK = 200;
const hasSupply = (o: Row) => Number(o.maxSupply) === 0 || Number(o.sold) < Number(o.maxSupply);

/** Every terms-flags value (0..63) that contains all of `rights`: how a bitmask becomes an `_in` filter. */
function flagsContaining(rights: number): number[] {
  return Array.from({ length: 64 }, (_, v) => v).filter((v) => (v & rights) === rights);
}

/**
 * Works matching `filter`, by work number, `first` per page (≤ 999). Offer filters (rights, currency,
 * price, availability) walk the matching offers in work order from the cursor, in chunks, so a page
 * costs a few index range scans however many works the index holds.
 */
export async function listWorks(
  dialect: Dialect,
  filter: WorkFilter = {},
  page: { first?: number; after?: string } = {},
): Promise<Page<WorkSummary>> {
  // One more than asked tells whether a next page exists; indexes cap a page at 1000.
  const first = Math.min(page.first ?? 20, MAX_PAGE - 1);
  if (first < 1) throw new QueryError(`page size ${first} is not positive`, "ask for 1..1000 items");
  const where = workConditions(filter);

  const offerFiltered =
    filter.rights !== undefined ||
    filter.currency ||
    filter.minPrice !== undefined ||
    filter.maxPrice !== undefined ||
    filter.available === true;
  if (filter.available === false) return listUnavailable(dialect, filter, where, first, page.after);
  if (!offerFiltered) {
    if (page.after) where.number_gt = page.after;
    const rows = await dialect.list("Work", WORK_FIELDS, {
      where,
      first: first + 1,
      orderBy: "number",
      orderDirection: "asc",
    });
    return pageOf(rows.map(toWork), first);
  }

  const offerWhere = offerConditions(filter);
  const items: WorkSummary[] = [];
  let cursor = page.after;
  // Offers of works past the cursor, in work order; each chunk's works are checked against the
  // work-level filters. Ends when the page is full (plus one) or the offers run out.
  for (;;) {
    const offers = await dialect.list("Offer", OFFER_FIELDS, {
      where: cursor ? { ...offerWhere, workNumber_gt: cursor } : offerWhere,
      first: OFFER_CHUNK,
      orderBy: "workNumber",
      orderDirection: "asc",
    });
    if (offers.length === 0) break;
    // A chunk may end inside one work's offers: keep only whole works, unless the chunk is the last.
    const lastWork = String(offers[offers.length - 1]!.workNumber);
    const whole =
      offers.length === OFFER_CHUNK && offers.some((o) => String(o.workNumber) !== lastWork)
        ? offers.filter((o) => String(o.workNumber) !== lastWork)
        : offers;
    const ids = [...new Set(whole.filter(hasSupply).map((o) => String(o.work)))];
    if (ids.length > 0) {
      const rows = await dialect.list("Work", WORK_FIELDS, {
        where: { ...where, id_in: ids },
        first: ids.length,
        orderBy: "number",
        orderDirection: "asc",
      });
      items.push(...rows.map(toWork));
    }
    if (items.length > first || offers.length < OFFER_CHUNK) break;
    cursor = String(whole[whole.length - 1]!.workNumber);
  }
  return pageOf(items, first);
}

function offerConditions(filter: WorkFilter): Record<string, unknown> {
  const offerWhere: Record<string, unknown> = { active: true };
  if (filter.rights) offerWhere.termsFlags_in = flagsContaining(filter.rights);
  if (filter.currency) offerWhere.currency = filter.currency.toLowerCase();
  if (filter.minPrice !== undefined) offerWhere.price_gte = filter.minPrice.toString();
  if (filter.maxPrice !== undefined) offerWhere.price_lte = filter.maxPrice.toString();
  return offerWhere;
}

/** Works that cannot be bought now: no active offer with supply left, or flagged / paused / sold. */
async function listUnavailable(
  dialect: Dialect,
  filter: WorkFilter,
  where: Record<string, unknown>,
  first: number,
  after: string | undefined,
): Promise<Page<WorkSummary>> {
  const offerWhere = offerConditions(filter);
  const items: WorkSummary[] = [];
  let cursor = after;
  for (;;) {
    const rows = await dialect.list("Work", WORK_FIELDS, {
      where: cursor ? { ...where, number_gt: cursor } : where,
      first: MAX_PAGE,
      orderBy: "number",
      orderDirection: "asc",
    });
    if (rows.length === 0) break;
    const offers = await dialect.list("Offer", OFFER_FIELDS, {
      where: { ...offerWhere, work_in: rows.map((r) => String(r.id)) },
      first: MAX_PAGE,
      orderBy: "id",
      orderDirection: "asc",
    });
    const sellable = new Set(offers.filter(hasSupply).map((o) => String(o.work)));
    items.push(
      ...rows
        .filter((r) => !sellable.has(String(r.id)) || r.flagged || r.salesPaused || r.exclusiveSold)
        .map(toWork),
    );
    if (items.length > first || rows.length < MAX_PAGE) break;
    cursor = String(rows[rows.length - 1]!.number);
  }
  return pageOf(items, first);
}

function pageOf(items: WorkSummary[], first: number): Page<WorkSummary> {
  const slice = items.slice(0, first);
  return { items: slice, next: items.length > first ? slice[slice.length - 1]!.id : null };
}
