import { ponder } from "ponder:registry";
import {
  dailyJobs,
  job,
  jobEvent,
  jobParent,
  model,
  node,
  nodeModel,
  stakeChange,
  work,
} from "ponder:schema";
import { zeroAddress, type Hex } from "viem";
import {
  addCredit,
  utcDay,
  bytesToText,
  cleanText,
  ensureAccount,
  ETH,
  eventId,
  lower,
  treasuryOf,
  type Db,
} from "./common.ts";

const NAME = "GenerationMarket";
type Counter = "jobsClaimed" | "jobsFulfilled" | "jobsRejected" | "jobsReleased" | "jobsExpired";

async function ensureNode(db: Db, address: Hex) {
  await db
    .insert(node)
    .values({
      id: lower(address),
      stake: 0n,
      unbonding: 0n,
      releaseAt: 0n,
      slashed: 0n,
      forfeited: 0n,
      jobsClaimed: 0,
      jobsFulfilled: 0,
      jobsRejected: 0,
      jobsReleased: 0,
      jobsExpired: 0,
    })
    .onConflictDoNothing();
}

async function count(db: Db, address: Hex, counter: Counter) {
  await ensureNode(db, address);
  await db.update(node, { id: lower(address) }).set((row) => ({ [counter]: row[counter] + 1 }));
}

interface EventLike {
  transaction: { hash: Hex };
  log: { logIndex: number };
  block: { number: bigint; timestamp: bigint };
}

async function recordStake(db: Db, event: EventLike, address: Hex, kind: string, amount: bigint) {
  const row = await db.find(node, { id: lower(address) });
  await db.insert(stakeChange).values({
    id: eventId(event),
    node: lower(address),
    kind,
    amount,
    stakeAfter: row?.stake ?? 0n,
    blockNumber: event.block.number,
  });
}

async function recordJob(
  db: Db,
  event: EventLike,
  jobId: bigint,
  status: string,
  who: Hex | null,
  reasonCode: number | null = null,
  forfeit: bigint | null = null,
) {
  await db.insert(jobEvent).values({
    id: eventId(event),
    job: jobId.toString(),
    status,
    node: who === null ? null : lower(who),
    reasonCode,
    forfeit,
    blockNumber: event.block.number,
    timestamp: event.block.timestamp,
    tx: event.transaction.hash,
  });
  const day = utcDay(event.block.timestamp);
  await db
    .insert(dailyJobs)
    .values({ id: `${day}-${status}`, day, status, count: 1 })
    .onConflictDoUpdate((row) => ({ count: row.count + 1 }));
}

async function setServed(db: Db, address: Hex, modelId: number, served: boolean) {
  await db
    .insert(nodeModel)
    .values({ id: `${lower(address)}-${modelId}`, node: lower(address), model: modelId.toString(), served })
    .onConflictDoUpdate({ served });
}

ponder.on("GenerationMarket:ModelRegistered", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(model).values({
    id: BigInt(a.modelId),
    weightsHash: a.weightsHash,
    weightsCidDigest: a.weightsCidDigest,
    weightsCidCodec: a.weightsCidCodec,
    deterministic: a.deterministic,
    name: cleanText(a.name),
    active: true,
  });
});

ponder.on("GenerationMarket:ModelActiveSet", async ({ event, context }) => {
  const id = BigInt(event.args.modelId);
  if (await context.db.find(model, { id }))
    await context.db.update(model, { id }).set({ active: event.args.active });
});

ponder.on("GenerationMarket:NodeRegistered", async ({ event, context }) => {
  await ensureNode(context.db, event.args.node);
  await context.db.update(node, { id: lower(event.args.node) }).set({ stake: event.args.stake });
  for (const modelId of event.args.modelIds) await setServed(context.db, event.args.node, modelId, true);
  await recordStake(context.db, event, event.args.node, "registered", event.args.stake);
});

ponder.on("GenerationMarket:StakeAdded", async ({ event, context }) => {
  await ensureNode(context.db, event.args.node);
  await context.db.update(node, { id: lower(event.args.node) }).set({ stake: event.args.stake });
  await recordStake(context.db, event, event.args.node, "added", event.args.amount);
});

ponder.on("GenerationMarket:ModelServedSet", async ({ event, context }) => {
  await setServed(context.db, event.args.node, event.args.modelId, event.args.served);
});

ponder.on("GenerationMarket:UnstakeRequested", async ({ event, context }) => {
  const a = event.args;
  await ensureNode(context.db, a.node);
  await context.db
    .update(node, { id: lower(a.node) })
    .set({ stake: a.stake, unbonding: a.unbonding, releaseAt: BigInt(a.releaseAt) });
  await recordStake(context.db, event, a.node, "unstakeRequested", a.amount);
});

ponder.on("GenerationMarket:NodeEndpointSet", async ({ event, context }) => {
  await ensureNode(context.db, event.args.node);
  await context.db
    .update(node, { id: lower(event.args.node) })
    .set({ endpoint: cleanText(event.args.endpoint) });
});

ponder.on("GenerationMarket:StakeWithdrawn", async ({ event, context }) => {
  await ensureNode(context.db, event.args.node);
  await context.db.update(node, { id: lower(event.args.node) }).set({ unbonding: 0n, releaseAt: 0n });
  await recordStake(context.db, event, event.args.node, "withdrawn", event.args.amount);
});

ponder.on("GenerationMarket:JobRequested", async ({ event, context }) => {
  const a = event.args;
  await ensureAccount(context.db, a.requester);
  await context.db.insert(job).values({
    id: a.jobId,
    requester: lower(a.requester),
    model: a.modelId.toString(),
    prompt: bytesToText(a.prompt),
    params: a.params,
    fee: a.fee,
    deadline: BigInt(a.deadline),
    watermarkId: BigInt(a.watermarkId),
    royaltyBps: a.royaltyBps,
    protocolFeeBps: a.protocolFeeBps,
    offerTermsId: BigInt(a.offer.termsId),
    offerCurrency: lower(a.offer.currency),
    offerPrice: a.offer.price,
    offerMaxSupply: BigInt(a.offer.maxSupply),
    status: "requested",
    requestedBlock: event.block.number,
  });
  for (const [index, parent] of a.parents.entries()) {
    await context.db.insert(jobParent).values({
      id: `${a.jobId}-${index}`,
      job: a.jobId.toString(),
      parent: parent.workId.toString(),
      license: parent.licenseId === 0n ? null : parent.licenseId.toString(),
    });
  }
  await recordJob(context.db, event, a.jobId, "requested", null);
});

ponder.on("GenerationMarket:JobClaimed", async ({ event, context }) => {
  const id = event.args.jobId;
  if (!(await context.db.find(job, { id }))) return;
  await context.db.update(job, { id }).set({
    status: "claimed",
    node: lower(event.args.node),
    deadline: BigInt(event.args.deadline),
    contentHash: event.args.contentHash,
  });
  await count(context.db, event.args.node, "jobsClaimed");
  await recordJob(context.db, event, event.args.jobId, "claimed", event.args.node);
});

ponder.on("GenerationMarket:JobReleased", async ({ event, context }) => {
  const id = event.args.jobId;
  const row = await context.db.find(job, { id });
  if (!row) return;
  // A release, or a node's reject, reopens the job for other nodes; late, half the lock is forfeited.
  await context.db.update(job, { id }).set({ status: "requested", node: null, contentHash: null });
  await count(context.db, event.args.node, "jobsReleased");
  const forfeit = event.args.forfeit;
  await context.db
    .update(node, { id: lower(event.args.node) })
    .set((n) => ({ stake: n.stake - forfeit, forfeited: n.forfeited + forfeit }));
  if (forfeit !== 0n) {
    await recordStake(context.db, event, event.args.node, "forfeited", forfeit);
    await addCredit(context.db, NAME, row.requester, ETH, forfeit);
  }
  await recordJob(
    context.db,
    event,
    event.args.jobId,
    "released",
    event.args.node,
    event.args.reasonCode,
    forfeit,
  );
});

ponder.on("GenerationMarket:JobFulfilled", async ({ event, context }) => {
  const a = event.args;
  const id = a.jobId;
  if (!(await context.db.find(job, { id }))) return;
  await context.db.update(job, { id }).set({
    status: "fulfilled",
    work: a.workId.toString(),
    secret: a.secret,
    seed: a.seed,
    nodePayment: a.nodePayment,
    protocolFee: a.protocolFee,
  });
  if (await context.db.find(work, { id: a.workId }))
    await context.db.update(work, { id: a.workId }).set({ seed: a.seed });
  await count(context.db, a.node, "jobsFulfilled");
  await addCredit(context.db, NAME, a.node, ETH, a.nodePayment);
  await addCredit(
    context.db,
    NAME,
    await treasuryOf(context.db, event.log.address, NAME),
    ETH,
    a.protocolFee,
  );
  await recordJob(context.db, event, a.jobId, "fulfilled", a.node);
});

ponder.on("GenerationMarket:JobRejected", async ({ event, context }) => {
  const a = event.args;
  const row = await context.db.find(job, { id: a.jobId });
  if (!row) return;
  await context.db
    .update(job, { id: row.id })
    .set({ status: "rejected", reasonCode: a.reasonCode, refund: a.refund });
  await count(context.db, a.node, "jobsRejected");
  await addCredit(context.db, NAME, row.requester, ETH, a.refund);
  await recordJob(context.db, event, a.jobId, "rejected", a.node, a.reasonCode);
});

ponder.on("GenerationMarket:JobCancelled", async ({ event, context }) => {
  const a = event.args;
  const row = await context.db.find(job, { id: a.jobId });
  if (!row) return;
  await context.db.update(job, { id: row.id }).set({ status: "cancelled", refund: a.refund });
  await addCredit(context.db, NAME, row.requester, ETH, a.refund);
  await recordJob(context.db, event, a.jobId, "cancelled", null);
});

ponder.on("GenerationMarket:JobExpired", async ({ event, context }) => {
  const a = event.args;
  const row = await context.db.find(job, { id: a.jobId });
  if (!row) return;
  await context.db
    .update(job, { id: row.id })
    .set({ status: "expired", refund: a.refund, slashed: a.slashed });
  await addCredit(context.db, NAME, row.requester, ETH, a.refund);
  const claimed = a.node !== zeroAddress;
  if (claimed) {
    await count(context.db, a.node, "jobsExpired");
    await context.db
      .update(node, { id: lower(a.node) })
      .set((n) => ({ stake: n.stake - a.slashed, slashed: n.slashed + a.slashed }));
    if (a.slashed !== 0n) await recordStake(context.db, event, a.node, "slashed", a.slashed);
    await addCredit(context.db, NAME, await treasuryOf(context.db, event.log.address, NAME), ETH, a.slashed);
  }
  await recordJob(context.db, event, a.jobId, "expired", claimed ? a.node : null);
});
