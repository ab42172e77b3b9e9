import {
  ExclusiveLicenseSold,
  OfferActiveSet,
  OfferAdded,
  Paused,
  SalesPausedSet,
  Transfer as TransferEvent,
  Unpaused,
  WorkFlagged,
  WorkMinted,
} from "../generated/Works/Works";
import { FlagChange, Job, Offer, Transfer, Work, WorkParent } from "../generated/schema";
import { WorkMetadata as WorkMetadataTemplate } from "../generated/templates";
import { rawCidOfDigest } from "./cid";
import { cleanText, ensureAccount, eventId, ZERO_ADDRESS } from "./common";
import { onPausedSet } from "./config";

export function handleWorkMinted(event: WorkMinted): void {
  const p = event.params;
  const work = new Work(p.workId.toString());
  work.number = p.workId;
  ensureAccount(p.creator);
  work.creator = p.creator;
  work.owner = p.creator;
  work.contentHash = p.contentHash;
  work.metadataDigest = p.metadataDigest;
  work.watermarkId = p.watermarkId;
  work.perceptualHash = p.perceptualHash;
  work.royaltyBps = p.royaltyBps;
  work.flagged = false;
  work.salesPaused = false;
  work.exclusiveSold = false;
  work.licensesSold = 0;
  work.createdBlock = event.block.number;
  work.createdAt = event.block.timestamp;
  work.createdTx = event.transaction.hash;
  if (p.jobId.isZero()) {
    work.source = "upload";
  } else {
    work.source = "generated";
    const jobId = p.jobId.toString();
    work.job = jobId;
    const job = Job.load(jobId);
    // The seed is revealed by JobFulfilled, which follows in the same transaction.
    if (job != null) {
      work.model = job.model;
      work.node = job.node;
    }
  }
  let depth = 0;
  const parents = p.parentIds;
  const shares = p.parentShareBps;
  const licenses = p.parentLicenseIds;
  for (let i = 0; i < parents.length; i++) {
    const parentId = parents[i].toString();
    const link = new WorkParent(work.id + "-" + i.toString());
    link.child = work.id;
    link.parent = parentId;
    link.index = i;
    link.shareBps = i < shares.length ? shares[i] : 0;
    if (i < licenses.length && !licenses[i].isZero()) link.license = licenses[i].toString();
    link.save();
    const parent = Work.load(parentId);
    if (parent != null && parent.depth + 1 > depth) depth = parent.depth + 1;
  }
  work.depth = depth;
  const cid = rawCidOfDigest(p.metadataDigest);
  work.metadata = cid;
  work.save();
  WorkMetadataTemplate.create(cid);
}

export function handleOfferAdded(event: OfferAdded): void {
  const p = event.params;
  const offer = new Offer(p.workId.toString() + "-" + p.offerId.toString());
  offer.work = p.workId.toString();
  offer.workNumber = p.workId;
  offer.offerId = p.offerId;
  offer.terms = p.termsId.toString();
  offer.currency = p.currency;
  offer.price = p.price;
  offer.maxSupply = p.maxSupply;
  offer.duration = p.duration;
  offer.termsFlags = p.termsFlags;
  offer.active = true;
  offer.sold = 0;
  offer.save();
}

export function handleOfferActiveSet(event: OfferActiveSet): void {
  const offer = Offer.load(event.params.workId.toString() + "-" + event.params.offerId.toString());
  if (offer == null) return;
  offer.active = event.params.active;
  offer.save();
}

export function handleSalesPausedSet(event: SalesPausedSet): void {
  const work = Work.load(event.params.workId.toString());
  if (work == null) return;
  work.salesPaused = event.params.paused;
  work.save();
}

export function handleWorkFlagged(event: WorkFlagged): void {
  const workId = event.params.workId.toString();
  const work = Work.load(workId);
  if (work != null) {
    work.flagged = event.params.flagged;
    work.save();
  }
  const change = new FlagChange(eventId(event));
  change.work = workId;
  change.flagged = event.params.flagged;
  change.arbiter = event.params.arbiter;
  change.reason = cleanText(event.params.reason);
  change.blockNumber = event.block.number;
  change.save();
}

export function handleExclusiveLicenseSold(event: ExclusiveLicenseSold): void {
  const work = Work.load(event.params.workId.toString());
  if (work == null) return;
  work.exclusiveSold = true;
  work.save();
}

/** The mint's Transfer comes before WorkMinted: it is recorded, and the owner changes only on later transfers. */
export function handleTransfer(event: TransferEvent): void {
  const workId = event.params.tokenId.toString();
  const transfer = new Transfer(eventId(event));
  transfer.work = workId;
  transfer.from = event.params.from;
  transfer.to = event.params.to;
  transfer.blockNumber = event.block.number;
  transfer.timestamp = event.block.timestamp;
  transfer.tx = event.transaction.hash;
  transfer.save();
  if (event.params.from.equals(ZERO_ADDRESS)) return;
  const work = Work.load(workId);
  if (work == null) return;
  ensureAccount(event.params.to);
  work.owner = event.params.to;
  work.save();
}

export function handlePaused(event: Paused): void {
  onPausedSet(event.address, "Works", true);
}

export function handleUnpaused(event: Unpaused): void {
  onPausedSet(event.address, "Works", false);
}
