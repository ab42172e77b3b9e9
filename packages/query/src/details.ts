/**
 * The detail reads of a work page, an account page and the operators' page, on both dialects:
 * metadata of many works at once, offers with their terms, derivatives, a job, newest-first pages,
 * nodes' endpoints / served models / earnings and models' weights. Where the subgraph schema lacks a
 * field (metadata fetch status), the answer says what the subgraph implies instead.
 */
import type { PresetTerms } from "@atelier/protocol";
import type { Dialect, Row } from "./dialect.ts";
import { QueryError } from "./dialect.ts";
import { WORK_FIELDS, str, toWork, workConditions, type WorkSummary } from "./works.ts";
import type { WorkFeatures } from "./discovery/related.ts";
import type { EmbeddingFeed } from "./discovery/embedding-feed.ts";

export interface Metadata {
  cid: string;
  /** Ponder: pending | ok | rejected. graph-node stores a file data source's entity only once fetched: ok. */
  status: "pending" | "ok" | "rejected" | string;
  reason: string | null;
  name: string | null;
  description: string | null;
  image: string | null;
  prompt: string | null;
}

export interface Offer {
  offerId: string;
  termsId: string;
  currency: string;
  price: bigint;
  maxSupply: number;
  sold: number;
  duration: bigint;
  termsFlags: number;
  active: boolean;
}

/** A terms row: the preset fields of `LicenseTerms.Terms` (duration as a bigint), its id, flags and legal text. */
export interface Terms extends Omit<PresetTerms, "duration"> {
  id: string;
  flags: number;
  duration: bigint;
  legalTextUri: string;
  /** CID of the legal text when the URI is ipfs://<CIDv1> (see legalTexts), else null. */
  legalText: string | null;
}

export interface JobInfo {
  id: string;
  requester: string;
  model: string;
  prompt: string;
  params: string;
  seed: string | null;
  node: string | null;
  status: string;
  contentHash: string | null;
  fee: bigint;
  deadline: bigint;
  work: string | null;
}

export interface NodeDetails {
  id: string;
  endpoint: string | null;
  unbonding: bigint;
  releaseAt: bigint;
  /** Model ids the node serves now. */
  models: string[];
  /** ETH credited to the node by the generation market (payments for jobs), in wei. */
  earnedWei: bigint;
}

export interface ModelDetails {
  id: string;
  weightsHash: string;
  deterministic: boolean;
}

/** The filters of a newest-first page: those that live on the work itself. */
export interface NewestFilter {
  creator?: string;
  model?: string;
  source?: "upload" | "generated";
  available?: boolean;
}

const MAX = 1000;
/** The yes/no rights among the preset fields, in the contract's order. */
const RIGHTS_FIELDS = [
  "commercialUse",
  "derivativesAllowed",
  "attribution",
  "aiTrainingAllowed",
  "exclusive",
  "transferable",
] as const satisfies readonly (keyof PresetTerms)[];
const TERMS_FIELDS = [
  "id",
  "flags",
  ...RIGHTS_FIELDS,
  "duration",
  "derivativeShareBps",
  "legalTextUri",
  "legalText",
] as const satisfies readonly (keyof Terms)[];
const JOB_FIELDS = [
  "id",
  "requester",
  "model",
  "prompt",
  "params",
  "seed",
  "node",
  "status",
  "contentHash",
  "fee",
  "deadline",
  "work",
] as const;
const ZERO_ADDRESS = /^0x0{40}$/i;
export const unique = (values: string[]) => [...new Set(values)];

/**
 * An IPFS file the index fetches (metadata JSON, a legal text): its CID and how the fetch went — an index
 * that keeps only fetched files (the subgraph) has no status column, so "ok".
 */
export const fetchState = (r: Row) => ({
  cid: String(r.id),
  status: String(r.status ?? "ok"),
  reason: str(r.reason),
});

function toMetadata(r: Row): Metadata {
  return {
    ...fetchState(r),
    name: str(r.name),
    description: str(r.description),
    image: str(r.image),
    prompt: str(r.prompt),
  };
}

function toTerms(r: Row): Terms {
  const rights = Object.fromEntries(RIGHTS_FIELDS.map((field) => [field, Boolean(r[field])]));
  return {
    id: String(r.id),
    flags: Number(r.flags),
    ...(rights as Record<(typeof RIGHTS_FIELDS)[number], boolean>),
    duration: BigInt(String(r.duration)),
    derivativeShareBps: Number(r.derivativeShareBps),
    legalTextUri: String(r.legalTextUri),
    legalText: str(r.legalText),
  };
}

function toJob(r: Row): JobInfo {
  return {
    id: String(r.id),
    requester: String(r.requester),
    model: String(r.model),
    prompt: String(r.prompt),
    params: String(r.params),
    seed: str(r.seed),
    node: str(r.node),
    status: String(r.status),
    contentHash: str(r.contentHash),
    fee: BigInt(String(r.fee)),
    deadline: BigInt(String(r.deadline)),
    work: str(r.work),
  };
}

/** Splits `ids` into lists of at most one page, so no `_in` list outruns what an index returns. */
function chunks(ids: string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += MAX) out.push(ids.slice(i, i + MAX));
  return out;
}

export class DetailQueries {
  /**
   * @param embeddings where the index serves image embeddings (Ponder: `/embeddings` beside
   * `/graphql`); without it related works rank by perceptual hash.
   */
  constructor(
    protected readonly dialect: Dialect,
    readonly embeddings?: EmbeddingFeed,
  ) {}

  /** Metadata of each CID the index has fetched (or, on Ponder, tried to), keyed by CID. */
  async metadataOf(cids: string[]): Promise<Map<string, Metadata>> {
    const fields =
      this.dialect.kind === "ponder"
        ? ["id", "status", "reason", "name", "description", "image", "prompt"]
        : ["id", "name", "description", "image", "prompt"];
    const rows = await this.inChunks("WorkMetadata", fields, unique(cids));
    return new Map(rows.map((r) => [String(r.id), toMetadata(r)]));
  }

  /** A work's offers (active or not), by offer id. */
  async offersOf(workId: string | bigint): Promise<Offer[]> {
    const rows = await this.dialect.list(
      "Offer",
      [
        "id",
        "offerId",
        "terms",
        "currency",
        "price",
        "maxSupply",
        "sold",
        "duration",
        "termsFlags",
        "active",
      ],
      { where: { work: workId.toString() }, first: MAX, orderBy: "offerId", orderDirection: "asc" },
    );
    return rows.map((r) => ({
      offerId: String(r.offerId),
      termsId: String(r.terms),
      currency: String(r.currency),
      price: BigInt(String(r.price)),
      maxSupply: Number(r.maxSupply),
      sold: Number(r.sold),
      duration: BigInt(String(r.duration)),
      termsFlags: Number(r.termsFlags),
      active: Boolean(r.active),
    }));
  }

  /** Registered licence terms by id. */
  async termsById(ids: string[]): Promise<Map<string, Terms>> {
    const rows = await this.inChunks("Terms", TERMS_FIELDS, unique(ids));
    return new Map(rows.map((r) => [String(r.id), toTerms(r)]));
  }

  /** Works that name `workId` as a parent (direct derivatives), in work order, with the share each pays it. */
  async derivativesOf(workId: string | bigint): Promise<{ child: string; shareBps: number }[]> {
    const rows = await this.dialect.list("WorkParent", ["id", "child", "shareBps"], {
      where: { parent: workId.toString() },
      first: MAX,
    });
    return rows
      .map((r) => ({ child: String(r.child), shareBps: Number(r.shareBps) }))
      .sort((a, b) => (BigInt(a.child) < BigInt(b.child) ? -1 : BigInt(a.child) > BigInt(b.child) ? 1 : 0));
  }

  async job(jobId: string | bigint): Promise<JobInfo | null> {
    const rows = await this.dialect.list("Job", JOB_FIELDS, { where: { id: jobId.toString() }, first: 1 });
    return rows[0] ? toJob(rows[0]) : null;
  }

  /**
   * Newest works first, `first` per page (≤ 999); `before` is the cursor: the `next` of the previous
   * page (the smallest work number on it).
   */
  async newestWorks(
    filter: NewestFilter = {},
    page: { first?: number; before?: string } = {},
  ): Promise<{ items: WorkSummary[]; next: string | null }> {
    const first = Math.min(page.first ?? 20, MAX - 1);
    if (first < 1) throw new QueryError(`page size ${first} is not positive`, "ask for 1..999 items");
    // Only the newest page's own filters (a WorkFilter passed here may carry more).
    const { creator, model, source, available } = filter;
    const where = workConditions({ creator, model, source, available });
    if (page.before) where.number_lt = page.before;
    const rows = await this.dialect.list("Work", WORK_FIELDS, {
      where,
      first: first + 1,
      orderBy: "number",
      orderDirection: "desc",
    });
    const items = rows.slice(0, first).map(toWork);
    return { items, next: rows.length > first ? items[items.length - 1]!.id : null };
  }

  /** Every node's endpoint, unbonding stake, served models and job earnings, by node id (one round trip). */
  async nodeDetails(): Promise<NodeDetails[]> {
    const [nodes, served, credits] = await this.dialect.listMany([
      {
        entity: "Node",
        fields: ["id", "endpoint", "unbonding", "releaseAt"],
        options: { first: MAX, orderBy: "id", orderDirection: "asc" },
      },
      {
        entity: "NodeModel",
        fields: ["id", "node", "model"],
        options: { where: { served: true }, first: MAX, orderBy: "id", orderDirection: "asc" },
      },
      {
        entity: "Credit",
        fields: ["id", "account", "currency", "credited"],
        options: {
          where: { contract: "GenerationMarket" },
          first: MAX,
          orderBy: "id",
          orderDirection: "asc",
        },
      },
    ]);
    return nodes!.map((n) => {
      const id = String(n.id);
      return {
        id,
        endpoint: str(n.endpoint),
        unbonding: BigInt(String(n.unbonding ?? 0)),
        releaseAt: BigInt(String(n.releaseAt ?? 0)),
        models: served!
          .filter((s) => String(s.node) === id)
          .map((s) => String(s.model))
          .sort((a, b) => Number(a) - Number(b)),
        earnedWei: credits!
          .filter((c) => String(c.account) === id && ZERO_ADDRESS.test(String(c.currency)))
          .reduce((sum, c) => sum + BigInt(String(c.credited)), 0n),
      };
    });
  }

  /** Every model's weights hash and deterministic flag. */
  async modelDetails(): Promise<ModelDetails[]> {
    const rows = await this.dialect.list("Model", ["id", "weightsHash", "deterministic"], {
      first: MAX,
      orderBy: "id",
      orderDirection: "asc",
    });
    return rows.map((r) => ({
      id: String(r.id),
      weightsHash: String(r.weightsHash),
      deterministic: Boolean(r.deterministic),
    }));
  }

  /**
   * What "more like this" ranks by, for every work: its perceptual hash (the visual signal until its
   * image embedding is served), creator, model, parents, the rights its open offers
   * with supply left grant, whether it sells; and every licence (account, work) for co-licensing.
   */
  async relatedFeatures(): Promise<{
    works: WorkFeatures[];
    licenses: { account: string; workId: bigint }[];
  }> {
    const [works, offers, parents, licenses] = await Promise.all([
      this.all("Work", WORK_FIELDS, "number"),
      this.all("Offer", ["id", "work", "termsFlags", "active", "maxSupply", "sold"], "id"),
      this.all("WorkParent", ["id", "child", "parent"], "id"),
      this.all("License", ["id", "work", "licensee"], "id"),
    ]);
    const rights = new Map<string, number>();
    for (const o of offers) {
      const open = o.active && (Number(o.maxSupply) === 0 || Number(o.sold) < Number(o.maxSupply));
      if (open) rights.set(String(o.work), (rights.get(String(o.work)) ?? 0) | Number(o.termsFlags));
    }
    const parentsOf = new Map<string, bigint[]>();
    for (const p of parents)
      parentsOf.set(String(p.child), [...(parentsOf.get(String(p.child)) ?? []), BigInt(String(p.parent))]);
    return {
      works: works.map(toWork).map((w) => ({
        workId: BigInt(w.id),
        perceptualHash: w.perceptualHash,
        creator: w.creator,
        model: w.model,
        parents: parentsOf.get(w.id) ?? [],
        rights: rights.get(w.id) ?? 0,
        available: rights.has(w.id) && !w.flagged && !w.salesPaused && !w.exclusiveSold,
      })),
      licenses: licenses.map((l) => ({ account: String(l.licensee), workId: BigInt(String(l.work)) })),
    };
  }

  /** Every row of an entity, a page at a time along `key` (a unique field both dialects order alike). */
  private async all(entity: string, fields: readonly string[], key: "id" | "number"): Promise<Row[]> {
    const out: Row[] = [];
    for (;;) {
      const last = out[out.length - 1];
      const rows = await this.dialect.list(entity, fields, {
        where: last ? { [`${key}_gt`]: String(last[key]) } : {},
        first: MAX,
        orderBy: key,
        orderDirection: "asc",
      });
      out.push(...rows);
      if (rows.length < MAX) return out;
    }
  }

  protected async inChunks(entity: string, fields: readonly string[], ids: string[]): Promise<Row[]> {
    if (ids.length === 0) return [];
    const pages = await this.dialect.listMany(
      chunks(ids).map((part) => ({ entity, fields, options: { where: { id_in: part }, first: MAX } })),
    );
    return pages.flat();
  }
}
