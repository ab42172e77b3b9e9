import { ponder } from "ponder:registry";
import { flagChange, job, offer, transfer, work, workMetadata, workParent } from "ponder:schema";
import { hexToBytes, zeroAddress } from "viem";
import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";
import { cleanText, ensureAccount, eventId, lower } from "./common.ts";
import { metadataFetcher } from "./metadata.ts";

/** CIDv1 (raw, sha2-256) of a metadata digest: what `Works.tokenURI` names after `ipfs://`. */
export const rawCidOfDigest = (digest: `0x${string}`) =>
  CID.createV1(0x55, Digest.create(0x12, hexToBytes(digest))).toString();

ponder.on("Works:WorkMinted", async ({ event, context }) => {
  const a = event.args;
  const id = a.workId.toString();
  await ensureAccount(context.db, a.creator);
  let source: { job: string | null; model: string | null; node: `0x${string}` | null; seed: bigint | null } =
    { job: null, model: null, node: null, seed: null };
  if (a.jobId !== 0n) {
    const j = await context.db.find(job, { id: a.jobId });
    source = {
      job: a.jobId.toString(),
      model: j?.model ?? null,
      node: j?.node ?? null,
      // The seed is revealed by JobFulfilled, which follows in the same transaction.
      seed: null,
    };
  }
  let depth = 0;
  for (const [index, parentId] of a.parentIds.entries()) {
    await context.db.insert(workParent).values({
      id: `${id}-${index}`,
      child: id,
      parent: parentId.toString(),
      index,
      shareBps: a.parentShareBps[index] ?? 0,
      license: (a.parentLicenseIds[index] ?? 0n) === 0n ? null : a.parentLicenseIds[index]!.toString(),
    });
    const parent = await context.db.find(work, { id: parentId });
    if (parent && parent.depth + 1 > depth) depth = parent.depth + 1;
  }
  const cid = rawCidOfDigest(a.metadataDigest);
  await context.db.insert(work).values({
    id: a.workId,
    number: a.workId,
    creator: lower(a.creator),
    owner: lower(a.creator),
    source: a.jobId === 0n ? "upload" : "generated",
    ...source,
    contentHash: a.contentHash,
    metadataDigest: a.metadataDigest,
    watermarkId: BigInt(a.watermarkId),
    perceptualHash: BigInt(a.perceptualHash),
    royaltyBps: a.royaltyBps,
    depth,
    flagged: false,
    salesPaused: false,
    exclusiveSold: false,
    licensesSold: 0,
    metadata: cid,
    createdBlock: event.block.number,
    createdAt: event.block.timestamp,
    createdTx: event.transaction.hash,
  });
  await context.db
    .insert(workMetadata)
    .values({ id: cid, status: "pending", attempts: 0 })
    .onConflictDoNothing();
  metadataFetcher.request(cid);
});

ponder.on("Works:OfferAdded", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(offer).values({
    id: `${a.workId}-${a.offerId}`,
    work: a.workId.toString(),
    workNumber: a.workId,
    offerId: a.offerId,
    terms: a.termsId.toString(),
    currency: lower(a.currency),
    price: a.price,
    maxSupply: BigInt(a.maxSupply),
    duration: BigInt(a.duration),
    termsFlags: a.termsFlags,
    active: true,
    sold: 0,
  });
});

ponder.on("Works:OfferActiveSet", async ({ event, context }) => {
  const id = `${event.args.workId}-${event.args.offerId}`;
  if (await context.db.find(offer, { id }))
    await context.db.update(offer, { id }).set({ active: event.args.active });
});

ponder.on("Works:SalesPausedSet", async ({ event, context }) => {
  const id = event.args.workId;
  if (await context.db.find(work, { id }))
    await context.db.update(work, { id }).set({ salesPaused: event.args.paused });
});

ponder.on("Works:WorkFlagged", async ({ event, context }) => {
  const id = event.args.workId;
  if (await context.db.find(work, { id }))
    await context.db.update(work, { id }).set({ flagged: event.args.flagged });
  await context.db.insert(flagChange).values({
    id: eventId(event),
    work: id.toString(),
    flagged: event.args.flagged,
    arbiter: lower(event.args.arbiter),
    reason: cleanText(event.args.reason),
    blockNumber: event.block.number,
  });
});

ponder.on("Works:ExclusiveLicenseSold", async ({ event, context }) => {
  const id = event.args.workId;
  if (await context.db.find(work, { id })) await context.db.update(work, { id }).set({ exclusiveSold: true });
});

// The mint's Transfer comes before WorkMinted: recorded, and the owner changes only on later transfers.
ponder.on("Works:Transfer", async ({ event, context }) => {
  const id = event.args.tokenId;
  await context.db.insert(transfer).values({
    id: eventId(event),
    work: id.toString(),
    from: lower(event.args.from),
    to: lower(event.args.to),
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    tx: event.transaction.hash,
  });
  if (event.args.from === zeroAddress) return;
  if (!(await context.db.find(work, { id }))) return;
  await ensureAccount(context.db, event.args.to);
  await context.db.update(work, { id }).set({ owner: lower(event.args.to) });
});
