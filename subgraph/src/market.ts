import { Address, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import {
  JobCancelled,
  JobClaimed,
  JobExpired,
  JobFulfilled,
  JobRejected,
  JobReleased,
  JobRequested,
  ModelActiveSet,
  ModelRegistered,
  ModelServedSet,
  NodeEndpointSet,
  NodeRegistered,
  Paused,
  ProtocolFeeUpdated,
  StakeAdded,
  StakeWithdrawn,
  TreasuryUpdated,
  Unpaused,
  UnstakeRequested,
  Withdrawn,
} from "../generated/GenerationMarket/GenerationMarket";
import {
  Job,
  JobEvent,
  JobParent,
  JobStatusPoint,
  Model,
  Node,
  NodeModel,
  StakeChange,
  Work,
} from "../generated/schema";
import {
  addCredit,
  recordWithdrawal,
  bytesToText,
  cleanText,
  ensureAccount,
  eventId,
  ZERO_ADDRESS,
} from "./common";
import { onFeeUpdated, onPausedSet, onTreasuryUpdated, treasuryOf } from "./config";

const NAME = "GenerationMarket";
const ETH = Address.zero();

function ensureNode(address: Bytes): Node {
  let node = Node.load(address);
  if (node == null) {
    node = new Node(address);
    node.stake = BigInt.zero();
    node.unbonding = BigInt.zero();
    node.releaseAt = BigInt.zero();
    node.slashed = BigInt.zero();
    node.forfeited = BigInt.zero();
    node.jobsClaimed = 0;
    node.jobsFulfilled = 0;
    node.jobsRejected = 0;
    node.jobsReleased = 0;
    node.jobsExpired = 0;
  }
  return node;
}

function stakeChange(event: ethereum.Event, node: Node, kind: string, amount: BigInt): void {
  const change = new StakeChange(eventId(event));
  change.node = node.id;
  change.kind = kind;
  change.amount = amount;
  change.stakeAfter = node.stake;
  change.blockNumber = event.block.number;
  change.save();
}

function setServed(node: Bytes, modelId: string, served: boolean): void {
  const id = node.toHexString() + "-" + modelId;
  let link = NodeModel.load(id);
  if (link == null) {
    link = new NodeModel(id);
    link.node = node;
    link.model = modelId;
  }
  link.served = served;
  link.save();
}

const NO_REASON = -1;

function jobEvent(
  event: ethereum.Event,
  jobId: string,
  status: string,
  node: Bytes | null,
  reasonCode: i32 = NO_REASON,
  forfeit: BigInt | null = null,
): void {
  const record = new JobEvent(eventId(event));
  record.job = jobId;
  record.status = status;
  if (node !== null) record.node = node;
  if (reasonCode != NO_REASON) record.reasonCode = reasonCode;
  if (forfeit !== null) record.forfeit = forfeit;
  record.blockNumber = event.block.number;
  record.timestamp = event.block.timestamp;
  record.tx = event.transaction.hash;
  record.save();

  // A data point for DailyJobs (graph-node's rollup per day and status).
  const point = new JobStatusPoint(0);
  point.timestamp = event.block.timestamp.toI64() * 1000000; // µs
  point.status = status;
  point.save();
}

export function handleModelRegistered(event: ModelRegistered): void {
  const p = event.params;
  const model = new Model(p.modelId.toString());
  model.weightsHash = p.weightsHash;
  model.weightsCidDigest = p.weightsCidDigest;
  model.weightsCidCodec = p.weightsCidCodec;
  model.deterministic = p.deterministic;
  model.name = cleanText(p.name);
  model.active = true;
  model.save();
}

export function handleModelActiveSet(event: ModelActiveSet): void {
  const model = Model.load(event.params.modelId.toString());
  if (model == null) return;
  model.active = event.params.active;
  model.save();
}

export function handleNodeRegistered(event: NodeRegistered): void {
  const node = ensureNode(event.params.node);
  node.stake = event.params.stake;
  node.save();
  const models = event.params.modelIds;
  for (let i = 0; i < models.length; i++) setServed(node.id, models[i].toString(), true);
  stakeChange(event, node, "registered", event.params.stake);
}

export function handleStakeAdded(event: StakeAdded): void {
  const node = ensureNode(event.params.node);
  node.stake = event.params.stake;
  node.save();
  stakeChange(event, node, "added", event.params.amount);
}

export function handleModelServedSet(event: ModelServedSet): void {
  setServed(event.params.node, event.params.modelId.toString(), event.params.served);
}

export function handleUnstakeRequested(event: UnstakeRequested): void {
  const node = ensureNode(event.params.node);
  node.stake = event.params.stake;
  node.unbonding = event.params.unbonding;
  node.releaseAt = event.params.releaseAt;
  node.save();
  stakeChange(event, node, "unstakeRequested", event.params.amount);
}

export function handleNodeEndpointSet(event: NodeEndpointSet): void {
  const node = ensureNode(event.params.node);
  node.endpoint = cleanText(event.params.endpoint);
  node.save();
}

export function handleStakeWithdrawn(event: StakeWithdrawn): void {
  const node = ensureNode(event.params.node);
  node.unbonding = BigInt.zero();
  node.releaseAt = BigInt.zero();
  node.save();
  stakeChange(event, node, "withdrawn", event.params.amount);
}

export function handleJobRequested(event: JobRequested): void {
  const p = event.params;
  const job = new Job(p.jobId.toString());
  ensureAccount(p.requester);
  job.requester = p.requester;
  job.model = p.modelId.toString();
  job.prompt = bytesToText(p.prompt);
  job.params = p.params;
  job.fee = p.fee;
  job.deadline = p.deadline;
  job.watermarkId = p.watermarkId;
  job.protocolFeeBps = p.protocolFeeBps;
  job.royaltyBps = p.royaltyBps;
  job.offerTermsId = p.offer.termsId;
  job.offerCurrency = p.offer.currency;
  job.offerPrice = p.offer.price;
  job.offerMaxSupply = p.offer.maxSupply;
  job.status = "requested";
  job.requestedBlock = event.block.number;
  job.save();
  const parents = p.parents;
  for (let i = 0; i < parents.length; i++) {
    const link = new JobParent(job.id + "-" + i.toString());
    link.job = job.id;
    link.parent = parents[i].workId.toString();
    if (!parents[i].licenseId.isZero()) link.license = parents[i].licenseId.toString();
    link.save();
  }
  jobEvent(event, job.id, "requested", null);
}

export function handleJobClaimed(event: JobClaimed): void {
  const job = Job.load(event.params.jobId.toString());
  if (job == null) return;
  job.status = "claimed";
  job.node = event.params.node;
  job.deadline = event.params.deadline;
  job.contentHash = event.params.contentHash;
  job.save();
  const node = ensureNode(event.params.node);
  node.jobsClaimed = node.jobsClaimed + 1;
  node.save();
  jobEvent(event, job.id, "claimed", event.params.node);
}

export function handleJobReleased(event: JobReleased): void {
  const job = Job.load(event.params.jobId.toString());
  if (job == null) return;
  // A release, or a node's reject, reopens the job for other nodes; late, half the lock is forfeited.
  job.status = "requested";
  job.node = null;
  job.contentHash = null;
  job.save();
  const forfeit = event.params.forfeit;
  const node = ensureNode(event.params.node);
  node.jobsReleased = node.jobsReleased + 1;
  node.stake = node.stake.minus(forfeit);
  node.forfeited = node.forfeited.plus(forfeit);
  node.save();
  if (!forfeit.isZero()) {
    stakeChange(event, node, "forfeited", forfeit);
    addCredit(NAME, job.requester, ETH, forfeit);
  }
  jobEvent(event, job.id, "released", event.params.node, event.params.reasonCode, forfeit);
}

export function handleJobFulfilled(event: JobFulfilled): void {
  const p = event.params;
  const job = Job.load(p.jobId.toString());
  if (job == null) return;
  job.status = "fulfilled";
  job.work = p.workId.toString();
  job.secret = p.secret;
  job.seed = p.seed;
  job.nodePayment = p.nodePayment;
  job.protocolFee = p.protocolFee;
  job.save();
  const node = ensureNode(p.node);
  node.jobsFulfilled = node.jobsFulfilled + 1;
  node.save();
  addCredit(NAME, p.node, ETH, p.nodePayment);
  addCredit(NAME, treasuryOf(event.address, NAME), ETH, p.protocolFee);
  const work = Work.load(p.workId.toString());
  if (work != null) {
    work.seed = p.seed;
    work.save();
  }
  jobEvent(event, job.id, "fulfilled", p.node);
}

export function handleJobRejected(event: JobRejected): void {
  const p = event.params;
  const job = Job.load(p.jobId.toString());
  if (job == null) return;
  job.status = "rejected";
  job.reasonCode = p.reasonCode;
  job.refund = p.refund;
  job.save();
  const node = ensureNode(p.node);
  node.jobsRejected = node.jobsRejected + 1;
  node.save();
  addCredit(NAME, job.requester, ETH, p.refund);
  jobEvent(event, job.id, "rejected", p.node, p.reasonCode);
}

export function handleJobCancelled(event: JobCancelled): void {
  const p = event.params;
  const job = Job.load(p.jobId.toString());
  if (job == null) return;
  job.status = "cancelled";
  job.refund = p.refund;
  job.save();
  addCredit(NAME, job.requester, ETH, p.refund);
  jobEvent(event, job.id, "cancelled", null);
}

export function handleJobExpired(event: JobExpired): void {
  const p = event.params;
  const job = Job.load(p.jobId.toString());
  if (job == null) return;
  job.status = "expired";
  job.refund = p.refund;
  job.slashed = p.slashed;
  job.save();
  addCredit(NAME, job.requester, ETH, p.refund);
  if (!p.node.equals(ZERO_ADDRESS)) {
    const node = ensureNode(p.node);
    node.jobsExpired = node.jobsExpired + 1;
    node.stake = node.stake.minus(p.slashed);
    node.slashed = node.slashed.plus(p.slashed);
    node.save();
    if (!p.slashed.isZero()) stakeChange(event, node, "slashed", p.slashed);
    addCredit(NAME, treasuryOf(event.address, NAME), ETH, p.slashed);
  }
  jobEvent(event, job.id, "expired", p.node.equals(ZERO_ADDRESS) ? null : p.node);
}

export function handleWithdrawn(event: Withdrawn): void {
  const p = event.params;
  recordWithdrawal(event, NAME, p.account, p.currency, p.to, p.amount);
}

export function handleTreasuryUpdated(event: TreasuryUpdated): void {
  onTreasuryUpdated(event.address, NAME, event.params.newTreasury);
}

export function handleProtocolFeeUpdated(event: ProtocolFeeUpdated): void {
  onFeeUpdated(event, NAME, event.params.previousFeeBps, event.params.newFeeBps);
}

export function handlePaused(event: Paused): void {
  onPausedSet(event.address, NAME, true);
}

export function handleUnpaused(event: Unpaused): void {
  onPausedSet(event.address, NAME, false);
}
