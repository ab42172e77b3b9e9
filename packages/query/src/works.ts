/** A work as both dialects return it, and how a row becomes one (shared by the query classes). */
import type { Row } from "./dialect.ts";

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

export const WORK_FIELDS = [
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
export const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

export function toWork(row: Row): WorkSummary {
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

/**
 * The conditions of a filter on the work's own fields (creator, owner, model, source; `available`: not
 * flagged, paused or sold exclusively), as a list's `where`.
 */
export function workConditions(filter: {
  creator?: string;
  owner?: string;
  model?: string;
  source?: string;
  available?: boolean;
}): Record<string, unknown> {
  const where: Record<string, unknown> = {};
  if (filter.creator) where.creator = filter.creator.toLowerCase();
  if (filter.owner) where.owner = filter.owner.toLowerCase();
  if (filter.model) where.model = filter.model;
  if (filter.source) where.source = filter.source;
  if (filter.available === true)
    Object.assign(where, { flagged: false, salesPaused: false, exclusiveSold: false });
  return where;
}
