/**
 * The dApp's and third parties' typed view of the provenance index, over either dialect. Every list
 * is ordered and paged the same way on both (by number, cursor = last number seen), so the two
 * adapters return the same results for the same index.
 */
import type { IndexHead, Row } from "./dialect.ts";
import { QueryError, toTsQuery } from "./dialect.ts";
import { FigureQueries } from "./figures.ts";
import { WORK_FIELDS, toWork, type WorkSummary } from "./works.ts";

export type { WorkSummary };

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

export interface TimelineEntry {
  kind: "minted" | "transfer" | "license" | "flag" | "job";
  blockNumber: bigint;
  detail: Row;
}

export interface NodeStats {
  id: string;
  stake: bigint;
  slashed: bigint;
  jobsClaimed: number;
  jobsFulfilled: number;
  jobsRejected: number;
  jobsExpired: number;
  /** fulfilled / (fulfilled + rejected + expired); null before any job ended. */
  successRate: number | null;
}

export interface ModelStats {
  id: string;
  name: string;
  active: boolean;
  jobs: number;
  fulfilled: number;
  successRate: number | null;
}

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
const MAX_PAGE = 1000;
/** Offers read per step when a filter on offers pages works (a work has one to a few offers). */
const OFFER_CHUNK = 200;
const hasSupply = (o: Row) => Number(o.maxSupply) === 0 || Number(o.sold) < Number(o.maxSupply);

/** Every terms-flags value (0..63) that contains all of `rights`: how a bitmask becomes an `_in` filter. */
function flagsContaining(rights: number): number[] {
  return Array.from({ length: 64 }, (_, v) => v).filter((v) => (v & rights) === rights);
}

export class ProvenanceQueries extends FigureQueries {
  get kind() {
    return this.dialect.kind;
  }

  /**
   * Works matching `filter`, by work number, `first` per page (≤ 999). Offer filters (rights, currency,
   * price, availability) walk the matching offers in work order from the cursor, in chunks, so a page
   * costs a few index range scans however many works the index holds.
   */
  async listWorks(
    filter: WorkFilter = {},
    page: { first?: number; after?: string } = {},
  ): Promise<Page<WorkSummary>> {
    // One more than asked tells whether a next page exists; indexes cap a page at 1000.
    const first = Math.min(page.first ?? 20, MAX_PAGE - 1);
    if (first < 1) throw new QueryError(`page size ${first} is not positive`, "ask for 1..1000 items");
    const where: Record<string, unknown> = {};
    if (filter.creator) where.creator = filter.creator.toLowerCase();
    if (filter.owner) where.owner = filter.owner.toLowerCase();
    if (filter.model) where.model = filter.model;
    if (filter.source) where.source = filter.source;
    if (filter.available === true)
      Object.assign(where, { flagged: false, salesPaused: false, exclusiveSold: false });

    const offerFiltered =
      filter.rights !== undefined ||
      filter.currency ||
      filter.minPrice !== undefined ||
      filter.maxPrice !== undefined ||
      filter.available === true;
    if (filter.available === false) return this.listUnavailable(filter, where, first, page.after);
    if (!offerFiltered) {
      if (page.after) where.number_gt = page.after;
      const rows = await this.dialect.list("Work", WORK_FIELDS, {
        where,
        first: first + 1,
        orderBy: "number",
        orderDirection: "asc",
      });
      return this.page(rows.map(toWork), first);
    }

    const offerWhere = this.offerWhere(filter);
    const items: WorkSummary[] = [];
    let cursor = page.after;
    // Offers of works past the cursor, in work order; each chunk's works are checked against the
    // work-level filters. Ends when the page is full (plus one) or the offers run out.
    for (;;) {
      const offers = await this.dialect.list("Offer", OFFER_FIELDS, {
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
        const rows = await this.dialect.list("Work", WORK_FIELDS, {
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
    return this.page(items, first);
  }

  private offerWhere(filter: WorkFilter): Record<string, unknown> {
    const offerWhere: Record<string, unknown> = { active: true };
    if (filter.rights) offerWhere.termsFlags_in = flagsContaining(filter.rights);
    if (filter.currency) offerWhere.currency = filter.currency.toLowerCase();
    if (filter.minPrice !== undefined) offerWhere.price_gte = filter.minPrice.toString();
    if (filter.maxPrice !== undefined) offerWhere.price_lte = filter.maxPrice.toString();
    return offerWhere;
  }

  /** Works that cannot be bought now: no active offer with supply left, or flagged / paused / sold. */
  private async listUnavailable(
    filter: WorkFilter,
    where: Record<string, unknown>,
    first: number,
    after: string | undefined,
  ): Promise<Page<WorkSummary>> {
    const offerWhere = this.offerWhere(filter);
    const items: WorkSummary[] = [];
    let cursor = after;
    for (;;) {
      const rows = await this.dialect.list("Work", WORK_FIELDS, {
        where: cursor ? { ...where, number_gt: cursor } : where,
        first: MAX_PAGE,
        orderBy: "number",
        orderDirection: "asc",
      });
      if (rows.length === 0) break;
      const offers = await this.dialect.list("Offer", OFFER_FIELDS, {
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
    return this.page(items, first);
  }

  private page(items: WorkSummary[], first: number): Page<WorkSummary> {
    const slice = items.slice(0, first);
    return { items: slice, next: items.length > first ? slice[slice.length - 1]!.id : null };
  }

  async work(id: string | bigint): Promise<WorkSummary | null> {
    const rows = await this.dialect.list("Work", WORK_FIELDS, { where: { id: id.toString() }, first: 1 });
    return rows[0] ? toWork(rows[0]) : null;
  }

  /** Several works by id in one request, as a map (ids the index lacks are absent). */
  async works(ids: readonly (string | bigint)[]): Promise<Map<string, WorkSummary>> {
    const unique = [...new Set(ids.map(String))];
    if (unique.length === 0) return new Map();
    const out = new Map<string, WorkSummary>();
    for (let i = 0; i < unique.length; i += MAX_PAGE) {
      const chunk = unique.slice(i, i + MAX_PAGE);
      const rows = await this.dialect.list("Work", WORK_FIELDS, {
        where: { id_in: chunk },
        first: chunk.length,
      });
      for (const row of rows) out.set(String(row.id), toWork(row));
    }
    return out;
  }

  /** Where the index stands (see IndexHead): answers read at one head stay the same until it moves. */
  head(): Promise<IndexHead> {
    return this.dialect.head();
  }

  async workByContentHash(contentHash: string): Promise<WorkSummary | null> {
    const rows = await this.dialect.list("Work", WORK_FIELDS, {
      where: { contentHash: contentHash.toLowerCase() },
      first: 1,
    });
    return rows[0] ? toWork(rows[0]) : null;
  }

  async workByWatermark(watermarkId: bigint): Promise<WorkSummary | null> {
    const rows = await this.dialect.list("Work", WORK_FIELDS, {
      where: { watermarkId: watermarkId.toString() },
      first: 1,
    });
    return rows[0] ? toWork(rows[0]) : null;
  }

  /** A work's provenance in chain order: mint, transfers, licences, flags and its job's history. */
  async provenance(
    id: string | bigint,
  ): Promise<{ work: WorkSummary; parents: Row[]; timeline: TimelineEntry[] } | null> {
    // One round trip for the work and its lists; a second only for a generated work's job history.
    const workId = id.toString();
    const [[workRow], parents, transfers, licenses, flags] = (await this.dialect.listMany([
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
      ? await this.dialect.list("JobEvent", ["id", "status", "node", "blockNumber"], {
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

  /**
   * What an account holds and did: licences, works created and owned, credits, jobs requested — the
   * first `first` (default 50, ≤ 999) of each, oldest first; `more` says which lists go on (page works
   * with `listWorks({ creator | owner })`).
   */
  async account(address: string, options: { first?: number } = {}) {
    const a = address.toLowerCase();
    const first = Math.min(options.first ?? 50, MAX_PAGE - 1);
    if (first < 1) throw new QueryError(`page size ${first} is not positive`, "ask for 1..999 items");
    const list = (entity: string, fields: readonly string[], where: Row, orderBy: string) => ({
      entity,
      fields,
      options: { where, first: first + 1, orderBy, orderDirection: "asc" as const },
    });
    // One round trip for the five lists.
    const [licenses, created, owned, credits, jobs] = (await this.dialect.listMany([
      list(
        "License",
        ["id", "work", "terms", "price", "currency", "expiry", "isPrivate"],
        { licensee: a },
        "blockNumber",
      ),
      list("Work", WORK_FIELDS, { creator: a }, "number"),
      list("Work", WORK_FIELDS, { owner: a }, "number"),
      list(
        "Credit",
        ["id", "contract", "currency", "credited", "withdrawn", "balance"],
        { account: a },
        "id",
      ),
      list("Job", ["id", "status", "model", "fee", "work"], { requester: a }, "requestedBlock"),
    ])) as [Row[], Row[], Row[], Row[], Row[]];
    const more = {
      licenses: licenses.length > first,
      worksCreated: created.length > first,
      worksOwned: owned.length > first,
      credits: credits.length > first,
      jobs: jobs.length > first,
    };
    return {
      licenses: licenses.slice(0, first),
      worksCreated: created.slice(0, first).map(toWork),
      worksOwned: owned.slice(0, first).map(toWork),
      credits: credits.slice(0, first),
      jobs: jobs.slice(0, first),
      more,
    };
  }

  async nodes(): Promise<NodeStats[]> {
    const rows = await this.dialect.list(
      "Node",
      ["id", "stake", "slashed", "jobsClaimed", "jobsFulfilled", "jobsRejected", "jobsExpired"],
      { first: MAX_PAGE, orderBy: "id", orderDirection: "asc" },
    );
    return rows.map((r) => {
      const ended = Number(r.jobsFulfilled) + Number(r.jobsRejected) + Number(r.jobsExpired);
      return {
        id: String(r.id),
        stake: BigInt(r.stake as string),
        slashed: BigInt(r.slashed as string),
        jobsClaimed: Number(r.jobsClaimed),
        jobsFulfilled: Number(r.jobsFulfilled),
        jobsRejected: Number(r.jobsRejected),
        jobsExpired: Number(r.jobsExpired),
        successRate: ended === 0 ? null : Number(r.jobsFulfilled) / ended,
      };
    });
  }

  /** The registered models' names (what a filter menu needs; `models()` also counts their jobs). */
  async modelNames(): Promise<{ id: string; name: string; active: boolean }[]> {
    const rows = await this.dialect.list("Model", ["id", "name", "active"], {
      first: MAX_PAGE,
      orderBy: "id",
      orderDirection: "asc",
    });
    return rows.map((m) => ({ id: String(m.id), name: String(m.name), active: Boolean(m.active) }));
  }

  async models(): Promise<ModelStats[]> {
    const [models, jobs] = await Promise.all([
      this.dialect.list("Model", ["id", "name", "active"], {
        first: MAX_PAGE,
        orderBy: "id",
        orderDirection: "asc",
      }),
      this.dialect.list("Job", ["id", "model", "status"], {
        first: MAX_PAGE,
        orderBy: "id",
        orderDirection: "asc",
      }),
    ]);
    return models.map((m) => {
      const mine = jobs.filter((j) => String(j.model) === String(m.id));
      const fulfilled = mine.filter((j) => j.status === "fulfilled").length;
      const ended = mine.filter((j) =>
        ["fulfilled", "rejected", "expired"].includes(String(j.status)),
      ).length;
      return {
        id: String(m.id),
        name: String(m.name),
        active: Boolean(m.active),
        jobs: mine.length,
        fulfilled,
        successRate: ended === 0 ? null : fulfilled / ended,
      };
    });
  }

  /**
   * Full-text search over titles, descriptions and prompts: every word required, english stemming
   * ("dunes" finds "dune"), ranked (title over description over prompt, then metadata CID); `first`
   * works (≤ 999). Markup-like text (`<b>…</b>`) is not a word to Postgres' parser.
   */
  async search(text: string, first = 20): Promise<WorkSummary[]> {
    const tsquery = toTsQuery(text);
    if (!tsquery)
      throw new QueryError(
        `search text "${text.slice(0, 40)}" has no words`,
        "search for at least one word of letters or digits",
      );
    const limit = Math.min(Math.max(1, first), MAX_PAGE - 1);
    const cids = await this.dialect.fullText(tsquery, limit);
    if (cids.length === 0) return [];
    const rows = await this.dialect.list("Work", WORK_FIELDS, {
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
}
