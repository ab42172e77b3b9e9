/**
 * The dApp's and third parties' typed view of the provenance index, over either dialect. Every list
 * is ordered and paged the same way on both (by number, cursor = last number seen), so the two
 * adapters return the same results for the same index.
 */
import type { Dialect, Row } from "./dialect.ts";
import { QueryError } from "./dialect.ts";

export interface WorkSummary {
  id: string;
  creator: string;
  owner: string;
  source: "upload" | "generated";
  model: string | null;
  node: string | null;
  job: string | null;
  contentHash: string;
  watermarkId: bigint;
  perceptualHash: bigint;
  flagged: boolean;
  salesPaused: boolean;
  exclusiveSold: boolean;
  licensesSold: number;
  depth: number;
  metadataCid: string;
  createdAt: bigint;
}

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

const WORK_FIELDS = [
  "id",
  "number",
  "creator",
  "owner",
  "source",
  "model",
  "node",
  "job",
  "contentHash",
  "watermarkId",
  "perceptualHash",
  "flagged",
  "salesPaused",
  "exclusiveSold",
  "licensesSold",
  "depth",
  "metadata",
  "createdAt",
] as const;
const OFFER_FIELDS = [
  "id",
  "work",
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
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

function toWork(row: Row): WorkSummary {
  return {
    id: String(row.id),
    creator: String(row.creator),
    owner: String(row.owner),
    source: row.source as WorkSummary["source"],
    model: str(row.model),
    node: str(row.node),
    job: str(row.job),
    contentHash: String(row.contentHash),
    watermarkId: BigInt(row.watermarkId as string),
    perceptualHash: BigInt(row.perceptualHash as string),
    flagged: Boolean(row.flagged),
    salesPaused: Boolean(row.salesPaused),
    exclusiveSold: Boolean(row.exclusiveSold),
    licensesSold: Number(row.licensesSold),
    depth: Number(row.depth),
    metadataCid: String(row.metadata),
    createdAt: BigInt(row.createdAt as string),
  };
}

/** Every terms-flags value (0..63) that contains all of `rights`: how a bitmask becomes an `_in` filter. */
function flagsContaining(rights: number): number[] {
  return Array.from({ length: 64 }, (_, v) => v).filter((v) => (v & rights) === rights);
}

export class ProvenanceQueries {
  constructor(private readonly dialect: Dialect) {}

  get kind() {
    return this.dialect.kind;
  }

  /** Works matching `filter`, by work number, `first` per page (≤ 999). */
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
    if (page.after) where.number_gt = page.after;
    if (filter.available === true)
      Object.assign(where, { flagged: false, salesPaused: false, exclusiveSold: false });

    const offerFiltered =
      filter.rights !== undefined ||
      filter.currency ||
      filter.minPrice !== undefined ||
      filter.maxPrice !== undefined ||
      filter.available !== undefined;
    if (offerFiltered) {
      const offerWhere: Record<string, unknown> = { active: true };
      if (filter.rights) offerWhere.termsFlags_in = flagsContaining(filter.rights);
      if (filter.currency) offerWhere.currency = filter.currency.toLowerCase();
      if (filter.minPrice !== undefined) offerWhere.price_gte = filter.minPrice.toString();
      if (filter.maxPrice !== undefined) offerWhere.price_lte = filter.maxPrice.toString();
      const offers = await this.dialect.list("Offer", OFFER_FIELDS, {
        where: offerWhere,
        first: MAX_PAGE,
        orderBy: "id",
        orderDirection: "asc",
      });
      const open = offers.filter((o) => Number(o.maxSupply) === 0 || Number(o.sold) < Number(o.maxSupply));
      const ids = [...new Set(open.map((o) => String(o.work)))];
      if (filter.available === false) {
        // Not available: no open offer with supply left (or the work does not sell at all).
        const sellable = new Set(ids);
        const rows = await this.dialect.list("Work", WORK_FIELDS, {
          where,
          first: MAX_PAGE,
          orderBy: "number",
          orderDirection: "asc",
        });
        const items = rows
          .filter((r) => !sellable.has(String(r.id)) || r.flagged || r.salesPaused || r.exclusiveSold)
          .map(toWork);
        return this.page(items, first);
      }
      if (ids.length === 0) return { items: [], next: null };
      where.id_in = ids;
    }
    const rows = await this.dialect.list("Work", WORK_FIELDS, {
      where,
      first: first + 1,
      orderBy: "number",
      orderDirection: "asc",
    });
    return this.page(rows.map(toWork), first);
  }

  private page(items: WorkSummary[], first: number): Page<WorkSummary> {
    const slice = items.slice(0, first);
    return { items: slice, next: items.length > first ? slice[slice.length - 1]!.id : null };
  }

  async work(id: string | bigint): Promise<WorkSummary | null> {
    const rows = await this.dialect.list("Work", WORK_FIELDS, { where: { id: id.toString() }, first: 1 });
    return rows[0] ? toWork(rows[0]) : null;
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
    const work = await this.work(id);
    if (!work) return null;
    const workId = work.id;
    const [parents, transfers, licenses, flags, jobEvents] = await Promise.all([
      this.dialect.list("WorkParent", ["id", "parent", "index", "shareBps"], {
        where: { child: workId },
        first: 16,
        orderBy: "index",
        orderDirection: "asc",
      }),
      this.dialect.list("Transfer", ["id", "from", "to", "blockNumber", "tx"], {
        where: { work: workId },
        first: MAX_PAGE,
        orderBy: "blockNumber",
        orderDirection: "asc",
      }),
      this.dialect.list(
        "License",
        ["id", "licensee", "terms", "price", "currency", "expiry", "isPrivate", "blockNumber"],
        { where: { work: workId }, first: MAX_PAGE, orderBy: "blockNumber", orderDirection: "asc" },
      ),
      this.dialect.list("FlagChange", ["id", "flagged", "reason", "blockNumber"], {
        where: { work: workId },
        first: MAX_PAGE,
        orderBy: "blockNumber",
        orderDirection: "asc",
      }),
      work.job
        ? this.dialect.list("JobEvent", ["id", "status", "node", "blockNumber"], {
            where: { job: work.job },
            first: 100,
            orderBy: "blockNumber",
            orderDirection: "asc",
          })
        : Promise.resolve([]),
    ]);
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

  /** What an account holds and did: licences, works created and owned, credits, jobs requested. */
  async account(address: string) {
    const a = address.toLowerCase();
    const [licenses, created, owned, credits, jobs] = await Promise.all([
      this.dialect.list("License", ["id", "work", "terms", "price", "currency", "expiry", "isPrivate"], {
        where: { licensee: a },
        first: MAX_PAGE,
        orderBy: "blockNumber",
        orderDirection: "asc",
      }),
      this.dialect.list("Work", WORK_FIELDS, {
        where: { creator: a },
        first: MAX_PAGE,
        orderBy: "number",
        orderDirection: "asc",
      }),
      this.dialect.list("Work", WORK_FIELDS, {
        where: { owner: a },
        first: MAX_PAGE,
        orderBy: "number",
        orderDirection: "asc",
      }),
      this.dialect.list("Credit", ["id", "contract", "currency", "credited", "withdrawn", "balance"], {
        where: { account: a },
        first: MAX_PAGE,
        orderBy: "id",
        orderDirection: "asc",
      }),
      this.dialect.list("Job", ["id", "status", "model", "fee", "work"], {
        where: { requester: a },
        first: MAX_PAGE,
        orderBy: "requestedBlock",
        orderDirection: "asc",
      }),
    ]);
    return { licenses, worksCreated: created.map(toWork), worksOwned: owned.map(toWork), credits, jobs };
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
   * Works whose metadata title, description or prompt contains `text` (case-sensitive substring, on
   * both dialects), by work number.
   */
  async search(text: string, first = 20): Promise<WorkSummary[]> {
    if (!text.trim())
      throw new QueryError("empty search text", "search for at least one non-space character");
    const metaFields = ["id"];
    const matches = await Promise.all(
      ["name_contains", "description_contains", "prompt_contains"].map((op) =>
        this.dialect.list("WorkMetadata", metaFields, { where: { [op]: text }, first: MAX_PAGE }),
      ),
    );
    const cids = [...new Set(matches.flat().map((m) => String(m.id)))];
    if (cids.length === 0) return [];
    const rows = await this.dialect.list("Work", WORK_FIELDS, {
      where: { metadata_in: cids },
      first,
      orderBy: "number",
      orderDirection: "asc",
    });
    return rows.map(toWork);
  }
}
