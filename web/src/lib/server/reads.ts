/**
 * Index reads the query layer (packages/query) does not offer yet, on the same GraphQL dialects:
 * metadata of many works at once, a work's offers with their terms, derivatives, newest-first pages.
 */
import type { Row, WorkSummary } from "@atelier/query";
import { indexDialect } from "./index.ts";

export interface Metadata {
  cid: string;
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

export interface Terms {
  id: string;
  flags: number;
  commercialUse: boolean;
  derivativesAllowed: boolean;
  attribution: boolean;
  aiTrainingAllowed: boolean;
  exclusive: boolean;
  transferable: boolean;
  duration: bigint;
  derivativeShareBps: number;
  legalTextUri: string;
}

const s = (v: unknown) => (v === null || v === undefined ? null : String(v));

export async function metadataOf(cids: string[]): Promise<Map<string, Metadata>> {
  const unique = [...new Set(cids)];
  if (unique.length === 0) return new Map();
  const rows = await indexDialect().list(
    "WorkMetadata",
    ["id", "status", "reason", "name", "description", "image", "prompt"],
    { where: { id_in: unique }, first: 1000 },
  );
  return new Map(
    rows.map((r) => [
      String(r.id),
      {
        cid: String(r.id),
        status: String(r.status ?? "ok"),
        reason: s(r.reason),
        name: s(r.name),
        description: s(r.description),
        image: s(r.image),
        prompt: s(r.prompt),
      },
    ]),
  );
}

export async function offersOf(workId: string): Promise<Offer[]> {
  const rows = await indexDialect().list(
    "Offer",
    ["id", "offerId", "terms", "currency", "price", "maxSupply", "sold", "duration", "termsFlags", "active"],
    { where: { work: workId }, first: 256, orderBy: "offerId", orderDirection: "asc" },
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

export async function termsById(ids: string[]): Promise<Map<string, Terms>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await indexDialect().list(
    "Terms",
    [
      "id",
      "flags",
      "commercialUse",
      "derivativesAllowed",
      "attribution",
      "aiTrainingAllowed",
      "exclusive",
      "transferable",
      "duration",
      "derivativeShareBps",
      "legalTextUri",
    ],
    { where: { id_in: unique }, first: 1000 },
  );
  return new Map(
    rows.map((r) => [
      String(r.id),
      {
        id: String(r.id),
        flags: Number(r.flags),
        commercialUse: Boolean(r.commercialUse),
        derivativesAllowed: Boolean(r.derivativesAllowed),
        attribution: Boolean(r.attribution),
        aiTrainingAllowed: Boolean(r.aiTrainingAllowed),
        exclusive: Boolean(r.exclusive),
        transferable: Boolean(r.transferable),
        duration: BigInt(String(r.duration)),
        derivativeShareBps: Number(r.derivativeShareBps),
        legalTextUri: String(r.legalTextUri),
      },
    ]),
  );
}

/** Works that name `workId` as a parent (direct derivatives), with the share each pays it. */
export async function derivativesOf(workId: string): Promise<{ child: string; shareBps: number }[]> {
  const rows = await indexDialect().list("WorkParent", ["id", "child", "shareBps"], {
    where: { parent: workId },
    first: 1000,
  });
  return rows.map((r: Row) => ({ child: String(r.child), shareBps: Number(r.shareBps) }));
}

export type { WorkSummary };

const WORK_FIELDS = [
  "id",
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
];

function toSummary(r: Row): WorkSummary {
  return {
    id: String(r.id),
    creator: String(r.creator),
    owner: String(r.owner),
    source: r.source as WorkSummary["source"],
    model: s(r.model),
    node: s(r.node),
    job: s(r.job),
    contentHash: String(r.contentHash),
    watermarkId: BigInt(String(r.watermarkId)),
    perceptualHash: BigInt(String(r.perceptualHash)),
    flagged: Boolean(r.flagged),
    salesPaused: Boolean(r.salesPaused),
    exclusiveSold: Boolean(r.exclusiveSold),
    licensesSold: Number(r.licensesSold),
    depth: Number(r.depth),
    metadataCid: String(r.metadata),
    createdAt: BigInt(String(r.createdAt)),
  };
}

/**
 * Newest-first page of works for the filters that live on the work itself (the query layer only pages
 * ascending). `before` is the cursor: the last (smallest) work number of the previous page.
 */
export async function newestWorks(
  filter: { creator?: string; model?: string; source?: string; available?: boolean },
  before: string | undefined,
  first: number,
): Promise<{ items: WorkSummary[]; next: string | null }> {
  const where: Record<string, unknown> = {};
  if (filter.creator) where.creator = filter.creator.toLowerCase();
  if (filter.model) where.model = filter.model;
  if (filter.source) where.source = filter.source;
  if (filter.available) Object.assign(where, { flagged: false, salesPaused: false, exclusiveSold: false });
  if (before) where.number_lt = before;
  const rows = await indexDialect().list("Work", WORK_FIELDS, {
    where,
    first: first + 1,
    orderBy: "number",
    orderDirection: "desc",
  });
  const items = rows.slice(0, first).map(toSummary);
  return { items, next: rows.length > first ? items[items.length - 1]!.id : null };
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

export async function jobOf(jobId: string): Promise<JobInfo | null> {
  const rows = await indexDialect().list(
    "Job",
    [
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
    ],
    { where: { id: jobId }, first: 1 },
  );
  const r = rows[0];
  if (!r) return null;
  return {
    id: String(r.id),
    requester: String(r.requester),
    model: String(r.model),
    prompt: String(r.prompt),
    params: String(r.params),
    seed: s(r.seed),
    node: s(r.node),
    status: String(r.status),
    contentHash: s(r.contentHash),
    fee: BigInt(String(r.fee)),
    deadline: BigInt(String(r.deadline)),
    work: s(r.work),
  };
}
