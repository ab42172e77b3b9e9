/**
 * Producing a job's work from its journal record: the parents' images (and, for a variation, the
 * parent's prompt and seed) fetched through the store, then `produceWork`.
 */
import type { Hex } from "viem";
import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";
import type { JobRecord } from "../journal.ts";
import type { Market, ParentRef } from "../chain/market.ts";
import { ART_CONDITIONING_VERSION } from "../model/art/condition.ts";
import { produceWork, type ProducedWork } from "../produce.ts";
import type { ImageProducer } from "../producer.ts";
import type { ContentStore } from "../storage/ipfs.ts";
import type { StageRecorder, Timer } from "./context.ts";

export interface ProductionDeps {
  models: Map<bigint, { producer: ImageProducer }>;
  market: Market;
  store: ContentStore;
}

/** A parent work as read through the store: its image and the metadata JSON that names it. */
export interface ParentWork {
  cid: string;
  bytes: Uint8Array;
  metadata: Record<string, unknown>;
}

/** A job the node can only reject (with `InvalidParams`): e.g. a variation of a work no art model made. */
export class InvalidJobError extends Error {
  override name = "InvalidJobError";
}

export async function produceJob(
  rec: JobRecord,
  deps: ProductionDeps,
  time: Timer,
  record: StageRecorder,
): Promise<ProducedWork> {
  const model = deps.models.get(BigInt(rec.modelId));
  if (!model) throw new Error(`model ${rec.modelId} not served`);
  const parents: ParentRef[] = (rec.parents ?? []).map((p) => ({
    workId: BigInt(p.workId),
    licenseId: BigInt(p.licenseId),
  }));
  const parentWorks = await time("parents", () =>
    Promise.all(parents.map((p) => parentWork(deps, p.workId))),
  );
  const base = model.producer.manifest.variationOf;
  const variationOf = base ? variationSource(parents, parentWorks, base) : undefined;
  return produceWork(
    {
      jobId: BigInt(rec.jobId),
      modelId: BigInt(rec.modelId),
      modelName: model.producer.manifest.name,
      requester: rec.requester,
      node: deps.market.account,
      prompt: rec.prompt,
      seed: rec.seed as Hex,
      secret: rec.secret as Hex,
      watermarkId: BigInt(rec.watermarkId),
      parents,
      parentImages: parentWorks.map(({ cid, bytes }) => ({ cid, bytes })),
      ...(variationOf ? { variationOf } : {}),
      ...(model.producer.manifest.kind === "art" ? { conditioning: ART_CONDITIONING_VERSION } : {}),
      chainId: deps.market.chainId,
      market: deps.market.address,
    },
    { producer: model.producer, store: deps.store, time, record },
  );
}

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
/** A parent prompt longer than any request the market accepts is not one of its works' prompts. */
const MAX_PARENT_PROMPT_BYTES = 4096;

/**
 * The composition a variation keeps: the parent's own `variationOf` when the parent is itself a
 * variation (so variations of variations keep the original composition), else the parent's prompt
 * and seed. The metadata was written by whichever node made the parent: its fields are checked as
 * data (the parent must be a work of the art model, with a bytes32 seed and a string prompt).
 */
export function variationSource(
  parents: ParentRef[],
  works: ParentWork[],
  baseModel: string,
): { prompt: string; seed: string } {
  if (works.length !== 1)
    throw new InvalidJobError(`a variation names exactly one parent work (got ${works.length})`);
  const workId = parents[0]!.workId;
  const prov = works[0]!.metadata.provenance as Record<string, unknown> | undefined;
  const fail = (why: string) =>
    new InvalidJobError(
      `parent work ${workId} cannot be varied: ${why} (request a variation of an art-model work)`,
    );
  if (!prov || prov.source !== "generated") throw fail("it is not a generated work");
  const made = typeof prov.model === "string" ? prov.model : "";
  if (made !== baseModel && made !== `${baseModel}-variation`)
    throw fail(`it was made by model "${made.slice(0, 64)}", not ${baseModel}`);
  const src = (prov.variationOf ?? { prompt: prov.prompt, seed: prov.seed }) as Record<string, unknown>;
  if (typeof src.prompt !== "string" || new TextEncoder().encode(src.prompt).length > MAX_PARENT_PROMPT_BYTES)
    throw fail("its metadata has no usable prompt");
  if (typeof src.seed !== "string" || !BYTES32.test(src.seed)) throw fail("its metadata has no bytes32 seed");
  return { prompt: src.prompt, seed: src.seed.toLowerCase() };
}

/**
 * A parent work, through the store: the work's metadata digest (on chain) gives the metadata JSON's
 * CID (raw, sha2-256), its `image` field the image's CID.
 */
async function parentWork(deps: ProductionDeps, workId: bigint): Promise<ParentWork> {
  const digest = await deps.market.metadataDigestOf(workId);
  const metadataCid = CID.createV1(0x55, Digest.create(0x12, hexBytes(digest))).toString();
  let metadata: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(await deps.store.get(metadataCid)));
    if (typeof parsed !== "object" || parsed === null) throw new Error("not a JSON object");
    metadata = parsed as Record<string, unknown>;
  } catch (err) {
    throw new Error(`parent work ${workId}: metadata ${metadataCid} not readable from the store`, {
      cause: err,
    });
  }
  const image = typeof metadata.image === "string" ? metadata.image.replace(/^ipfs:\/\//, "") : "";
  if (!image) throw new Error(`parent work ${workId}: metadata ${metadataCid} names no ipfs:// image`);
  return { cid: image, bytes: await deps.store.get(image), metadata };
}

function hexBytes(hex: Hex): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.slice(2), "hex"));
}
