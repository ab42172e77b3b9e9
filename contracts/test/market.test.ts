import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, getContract, keccak256, parseAbi, parseEther, toHex, type Address } from "viem";
import {
  CLAIM_LOCK,
  COOLDOWN,
  GENERATED_FLAG,
  GENERATION_FEE_BPS,
  MIN_STAKE,
  PRESET,
  PRICE,
  ZERO,
  createFixture,
  outputOf,
  SECRET,
  jobSeedOf,
  metadataDigest,
} from "../test-support/fixture.ts";
import { assertRoleGuarded } from "../test-support/admin.ts";

const f = await createFixture();
const { viem, requester, node, node2, outsider, admin, treasury, publicClient, creator } = f;
const FEE = parseEther("0.001");
const protocolFee = (FEE * GENERATION_FEE_BPS) / 10_000n;
type D = Awaited<ReturnType<typeof f.load>>;

const JobStatus = {
  None: 0,
  Open: 1,
  Claimed: 2,
  Fulfilled: 3,
  Rejected: 4,
  Cancelled: 5,
  Expired: 6,
} as const;

async function ready() {
  const d = await f.load();
  await f.registerModel(d);
  await f.registerNode(d, node);
  return d;
}

/** ETH held by the market == open escrow + credits + stakes (staked and unbonding). */
async function assertSolvent(d: D, jobIds: bigint[], accounts: Address[]) {
  let escrow = 0n;
  for (const jobId of jobIds) {
    const job = await d.market.read.getJob([jobId]);
    if (job.status === JobStatus.Open || job.status === JobStatus.Claimed) escrow += job.fee;
  }
  let credits = 0n;
  let stakes = 0n;
  for (const a of accounts) {
    credits += await d.market.read.creditOf([a, ZERO]);
    const n = await d.market.read.nodeInfo([a]);
    stakes += n.stake + n.unbonding;
  }
  assert.equal(await publicClient.getBalance({ address: d.market.address }), escrow + credits + stakes);
}

describe("GenerationMarket: models", () => {
  it("registers models (model admin only) and retires them", async () => {
    const d = await f.load();
    const { market } = d;
    const w = keccak256(toHex("w"));
    await viem.assertions.emitWithArgs(
      market.write.registerModel([w, keccak256(toHex("c")), 0x70n, false, "sd-turbo"], {
        account: admin.account,
      }),
      market,
      "ModelRegistered",
      [1, w, keccak256(toHex("c")), 0x70n, false, "sd-turbo"],
    );
    const m = await market.read.modelInfo([1]);
    assert.equal(m.weightsHash, w);
    assert.equal(m.deterministic, false);
    assert.equal(m.active, true);
    assert.equal(m.weightsCidCodec, 0x70n);
    await viem.assertions.revertWithCustomError(
      market.write.registerModel([w, w, 0x55n, true, "x"], { account: outsider.account }),
      market,
      "AccessControlUnauthorizedAccount",
    );
    await viem.assertions.revertWithCustomError(
      market.write.registerModel([`0x${"00".repeat(32)}`, w, 0x55n, true, "x"], { account: admin.account }),
      market,
      "InvalidWeightsHash",
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.read.modelInfo([2]),
      market,
      "UnknownModel",
      [2],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.setModelActive([2, false], { account: admin.account }),
      market,
      "UnknownModel",
      [2],
    );
    await assertRoleGuarded(f, market, (account) => market.write.setModelActive([1, false], { account }), {
      emits: { event: "ModelActiveSet", args: [1, false] },
    });
    await viem.assertions.revertWithCustomErrorWithArgs(f.request(d), market, "ModelInactive", [1]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.request(d, { modelId: 5 }),
      market,
      "UnknownModel",
      [5],
    );
  });
});

describe("GenerationMarket: nodes", () => {
  it("registers with stake and models, adds stake, changes models", async () => {
    const d = await f.load();
    const { market } = d;
    await f.registerModel(d);
    await f.registerModel(d);
    await viem.assertions.emitWithArgs(
      market.write.registerNode([[1]], { account: node.account, value: MIN_STAKE }),
      market,
      "NodeRegistered",
      [getAddress(node.account.address), MIN_STAKE, [1]],
    );
    assert.equal(await market.read.servesModel([node.account.address, 1]), true);
    assert.equal(await market.read.servesModel([node.account.address, 2]), false);
    await viem.assertions.emitWithArgs(
      market.write.addStake({ account: node.account, value: 5n }),
      market,
      "StakeAdded",
      [getAddress(node.account.address), 5n, MIN_STAKE + 5n],
    );
    await viem.assertions.emitWithArgs(
      market.write.setModelsServed([[2], true], { account: node.account }),
      market,
      "ModelServedSet",
      [getAddress(node.account.address), 2, true],
    );
    await f.mined(market.write.setModelsServed([[1], false], { account: node.account }));
    assert.equal(await market.read.servesModel([node.account.address, 1]), false);
    const info = await market.read.nodeInfo([node.account.address]);
    assert.equal(info.registered, true);
    assert.equal(info.stake, MIN_STAKE + 5n);
    assert.equal(info.locked, 0n);
    assert.equal(await market.read.minStake(), MIN_STAKE);
    assert.equal(await market.read.claimLockAmount(), CLAIM_LOCK);
    assert.equal(await market.read.unstakeCooldown(), Number(COOLDOWN));
  });

  it("reverts on bad registrations and stake changes", async () => {
    const d = await f.load();
    const { market } = d;
    await f.registerModel(d);
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.registerNode([[1]], { account: node.account, value: MIN_STAKE - 1n }),
      market,
      "StakeBelowMinimum",
      [MIN_STAKE - 1n, MIN_STAKE],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.registerNode([[3]], { account: node.account, value: MIN_STAKE }),
      market,
      "UnknownModel",
      [3],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.addStake({ account: node.account, value: 1n }),
      market,
      "NodeNotRegistered",
      [getAddress(node.account.address)],
    );
    await viem.assertions.revertWithCustomError(
      market.write.setModelsServed([[1], true], { account: node.account }),
      market,
      "NodeNotRegistered",
    );
    await viem.assertions.revertWithCustomError(
      market.write.requestUnstake([1n], { account: node.account }),
      market,
      "NodeNotRegistered",
    );
    await f.registerNode(d, node, [1], MIN_STAKE);
    await viem.assertions.revertWithCustomError(
      market.write.registerNode([[1]], { account: node.account, value: MIN_STAKE }),
      market,
      "NodeAlreadyRegistered",
    );
    await viem.assertions.revertWithCustomError(
      market.write.addStake({ account: node.account, value: 0n }),
      market,
      "ZeroAmount",
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.setModelsServed([[9], true], { account: node.account }),
      market,
      "UnknownModel",
      [9],
    );
    await viem.assertions.revertWithCustomError(
      market.write.requestUnstake([0n], { account: node.account }),
      market,
      "ZeroAmount",
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.requestUnstake([MIN_STAKE + 1n], { account: node.account }),
      market,
      "InsufficientFreeStake",
      [MIN_STAKE + 1n, MIN_STAKE],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.withdrawStake({ account: node.account }),
      market,
      "NothingUnbonding",
      [getAddress(node.account.address)],
    );
    // Stakes are 96-bit.
    const huge = 2n ** 96n;
    await f.networkHelpers.setBalance(node.account.address, huge * 2n);
    await f.networkHelpers.setBalance(outsider.account.address, huge * 2n);
    await viem.assertions.revertWithCustomError(
      market.write.addStake({ account: node.account, value: huge }),
      market,
      "StakeOverflow",
    );
    await viem.assertions.revertWithCustomError(
      market.write.registerNode([[1]], { account: outsider.account, value: huge }),
      market,
      "StakeOverflow",
    );
  });

  it("unstakes through the cooldown; locked stake can't leave", async () => {
    const d = await f.load();
    const { market } = d;
    await f.registerModel(d);
    await f.registerNode(d, node, [1], MIN_STAKE);
    const jobId = await f.request(d);
    await f.mined(market.write.claimJob([jobId, outputOf(jobId, node)], { account: node.account }));
    const free = MIN_STAKE - CLAIM_LOCK;
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.requestUnstake([MIN_STAKE], { account: node.account }),
      market,
      "InsufficientFreeStake",
      [MIN_STAKE, free],
    );
    const tx = market.write.requestUnstake([free], { account: node.account });
    await viem.assertions.emitWithArgs(tx, market, "UnstakeRequested", [
      getAddress(node.account.address),
      free,
      CLAIM_LOCK,
      free,
      (t: number) => t > 0,
    ]);
    const info = await market.read.nodeInfo([node.account.address]);
    assert.equal(info.unbonding, free);
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.withdrawStake({ account: node.account }),
      market,
      "CooldownActive",
      [BigInt(info.unbondingReleaseAt)],
    );
    // The job is still fulfillable with the locked stake.
    await f.mined(
      market.write.fulfilJob([jobId, outputOf(jobId, node), SECRET, metadataDigest(), 1n], {
        account: node.account,
      }),
    );
    await f.networkHelpers.time.increase(Number(COOLDOWN));
    await viem.assertions.revertWithCustomError(
      market.write.withdrawStakeTo([ZERO], { account: node.account }),
      market,
      "InvalidStakeRecipient",
    );
    // A node (e.g. a contract without `receive`) can have its unbonded stake sent elsewhere.
    await viem.assertions.balancesHaveChanged(
      market.write.withdrawStakeTo([outsider.account.address], { account: node.account }),
      [
        { address: outsider.account.address, amount: free },
        { address: market.address, amount: -free },
      ],
    );
    await assertSolvent(
      d,
      [jobId],
      [node.account.address, requester.account.address, treasury.account.address],
    );
    // Below the minimum stake, a node can't claim.
    const next = await f.request(d);
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.claimJob([next, outputOf(next, node)], { account: node.account }),
      market,
      "InsufficientStake",
      [getAddress(node.account.address), CLAIM_LOCK, 0n],
    );
  });

  it("a node contract that refuses ETH can't withdraw its stake (and re-entry is blocked)", async () => {
    const d = await f.load();
    const { market } = d;
    await f.registerModel(d);
    const attacker = await f.deployAttacker();
    await f.mined(attacker.write.registerNode([market.address, [1]], { value: MIN_STAKE }));
    await f.mined(attacker.write.requestUnstake([market.address, MIN_STAKE]));
    await f.networkHelpers.time.increase(Number(COOLDOWN));
    await f.mined(attacker.write.configure([4, market.address, 0n, 0n, 0n])); // RejectEth
    await viem.assertions.revertWithCustomErrorWithArgs(
      attacker.write.withdrawStake([market.address]),
      market,
      "StakeTransferFailed",
      [getAddress(attacker.address), MIN_STAKE],
    );
    await f.mined(attacker.write.configure([3, market.address, 0n, 0n, 0n])); // ReenterWithdrawStake
    await f.mined(attacker.write.withdrawStake([market.address]));
    assert.equal(await attacker.read.attempts(), 1n);
    assert.equal(await attacker.read.reentered(), false);
    assert.equal(await publicClient.getBalance({ address: attacker.address }), MIN_STAKE);
    assert.equal(await publicClient.getBalance({ address: market.address }), 0n);
  });
});

describe("GenerationMarket: requests", () => {
  it("emits everything a node needs; seed and watermark id are derived from the job", async () => {
    const d = await ready();
    const { market } = d;
    const deadline = (await f.now()) + 600n;
    const offer = { termsId: PRESET.commercial, currency: ZERO, price: PRICE, maxSupply: 10 };
    await viem.assertions.emitWithArgs(
      market.write.requestGeneration([1, toHex("a cat"), toHex("{}"), Number(deadline), 300, offer, []], {
        account: requester.account,
        value: FEE,
      }),
      market,
      "JobRequested",
      [
        1n,
        getAddress(requester.account.address),
        1,
        toHex("a cat"),
        toHex("{}"),
        FEE,
        Number(GENERATION_FEE_BPS),
        Number(deadline),
        GENERATED_FLAG | 1n,
        300,
        offer,
        [],
      ],
    );
    assert.equal(await market.read.watermarkIdOf([1n]), GENERATED_FLAG | 1n);
    assert.equal(await market.read.jobCount(), 1n);
    const job = await market.read.getJob([1n]);
    assert.equal(job.status, JobStatus.Open);
    assert.equal(job.requester, getAddress(requester.account.address));
    assert.equal(job.fee, FEE);
    assert.equal(job.protocolFeeBps, Number(GENERATION_FEE_BPS));
    assert.equal(job.deadline, Number(deadline));
    assert.equal(job.node, ZERO);
    assert.deepEqual(job.offer, offer);
    assert.equal(job.royaltyBps, 300);
    assert.equal(await market.read.jobStatus([1n]), JobStatus.Open);
    assert.equal(await market.read.jobStatus([2n]), JobStatus.None);
    await viem.assertions.revertWithCustomErrorWithArgs(market.read.getJob([2n]), market, "UnknownJob", [2n]);
  });

  it("reverts on bad requests and while paused", async () => {
    const d = await ready();
    const { market } = d;
    const t = await f.now();
    const offer = { termsId: 0, currency: ZERO, price: 0n, maxSupply: 0 };
    const req = (
      over: Partial<{
        prompt: `0x${string}`;
        params: `0x${string}`;
        deadline: bigint;
        royalty: number;
        offer: typeof offer;
      }> = {},
    ) =>
      market.write.requestGeneration(
        [
          1,
          over.prompt ?? toHex("x"),
          over.params ?? "0x",
          Number(over.deadline ?? t + 100n),
          over.royalty ?? 0,
          over.offer ?? offer,
          [],
        ],
        { account: requester.account, value: FEE },
      );
    await viem.assertions.revertWithCustomError(req({ prompt: "0x" }), market, "EmptyPrompt");
    await viem.assertions.revertWithCustomErrorWithArgs(
      req({ prompt: toHex("p".repeat(2049)) }),
      market,
      "PromptTooLong",
      [2049n, 2048n],
    );
    await f.mined(req({ prompt: toHex("p".repeat(2048)) }));
    await viem.assertions.revertWithCustomErrorWithArgs(
      req({ params: toHex("p".repeat(1025)) }),
      market,
      "ParamsTooLong",
      [1025n, 1024n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(req({ deadline: t }), market, "InvalidDeadline", [t]);
    const far = t + 31n * 24n * 3600n;
    await viem.assertions.revertWithCustomErrorWithArgs(req({ deadline: far }), market, "InvalidDeadline", [
      far,
    ]);
    await viem.assertions.revertWithCustomErrorWithArgs(req({ royalty: 1001 }), market, "RoyaltyTooHigh", [
      1001n,
      1000n,
    ]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      req({ offer: { ...offer, termsId: 42 } }),
      d.terms,
      "UnknownTerms",
      [42],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      req({ offer: { ...offer, termsId: 1, currency: outsider.account.address } }),
      market,
      "CurrencyNotAllowed",
      [getAddress(outsider.account.address)],
    );
    const huge = 2n ** 80n;
    await f.networkHelpers.setBalance(requester.account.address, huge * 2n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.requestGeneration([1, toHex("x"), "0x", Number(t + 100n), 0, offer, []], {
        account: requester.account,
        value: huge,
      }),
      market,
      "FeeTooHigh",
      [huge],
    );
    await f.mined(market.write.pause({ account: admin.account }));
    await viem.assertions.revertWithCustomError(req(), market, "EnforcedPause");
    await f.mined(market.write.unpause({ account: admin.account }));
    await f.mined(req());
  });

  it("cancels an open job (requester only) and credits the fee", async () => {
    const d = await ready();
    const { market } = d;
    const jobId = await f.request(d);
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.cancelJob([jobId], { account: outsider.account }),
      market,
      "NotRequester",
      [jobId, getAddress(outsider.account.address)],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.cancelJob([99n], { account: requester.account }),
      market,
      "UnknownJob",
      [99n],
    );
    await viem.assertions.emitWithArgs(
      market.write.cancelJob([jobId], { account: requester.account }),
      market,
      "JobCancelled",
      [jobId, getAddress(requester.account.address), FEE],
    );
    assert.equal(await market.read.jobStatus([jobId]), JobStatus.Cancelled);
    assert.equal(await market.read.creditOf([requester.account.address, ZERO]), FEE);
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.cancelJob([jobId], { account: requester.account }),
      market,
      "JobNotOpen",
      [jobId, JobStatus.Cancelled],
    );
    await viem.assertions.revertWithCustomError(
      market.write.claimJob([jobId, outputOf(jobId, node)], { account: node.account }),
      market,
      "JobNotOpen",
    );
    await viem.assertions.balancesHaveChanged(market.write.withdraw([ZERO], { account: requester.account }), [
      { address: requester.account.address, amount: FEE },
    ]);
    // Claimed jobs can't be cancelled.
    const other = await f.request(d);
    await f.mined(market.write.claimJob([other, outputOf(other, node)], { account: node.account }));
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.cancelJob([other], { account: requester.account }),
      market,
      "JobNotOpen",
      [other, JobStatus.Claimed],
    );
  });
});

describe("GenerationMarket: claim, fulfil, release, reject, expire", () => {
  it("claims (locking stake), fulfils (minting the work, paying the node) exactly once", async () => {
    const d = await ready();
    const { market, works, licenses } = d;
    const jobId = await f.request(d);
    const deadline = (await market.read.getJob([jobId])).deadline;
    await viem.assertions.emitWithArgs(
      market.write.claimJob([jobId, outputOf(jobId, node)], { account: node.account }),
      market,
      "JobClaimed",
      [jobId, getAddress(node.account.address), outputOf(jobId, node), deadline, CLAIM_LOCK],
    );
    assert.equal((await market.read.nodeInfo([node.account.address])).locked, CLAIM_LOCK);
    const job = await market.read.getJob([jobId]);
    assert.equal(job.status, JobStatus.Claimed);
    assert.equal(job.node, getAddress(node.account.address));
    const ch = outputOf(jobId, node);
    const md = metadataDigest();
    // The fee rate fixed at request applies, whatever the admin sets meanwhile.
    await f.mined(market.write.setProtocolFeeBps([1000], { account: admin.account }));
    const tx = market.write.fulfilJob([jobId, ch, SECRET, md, 0xfeedn], { account: node.account });
    const seed = jobSeedOf(
      await publicClient.getChainId(),
      market.address,
      jobId,
      node.account.address,
      SECRET,
    );
    assert.equal(await market.read.seedOf([jobId, node.account.address, SECRET]), seed);
    await viem.assertions.emitWithArgs(tx, market, "JobFulfilled", [
      jobId,
      getAddress(node.account.address),
      1n,
      1,
      ch,
      md,
      SECRET,
      seed,
      FEE - protocolFee,
      protocolFee,
    ]);
    const receipt = await publicClient.getTransactionReceipt({ hash: await tx });
    assert.equal(receipt.status, "success");
    assert.equal(await works.read.ownerOf([1n]), getAddress(requester.account.address));
    const info = await works.read.workInfo([1n]);
    assert.equal(info.generated, true);
    assert.equal(info.jobId, jobId);
    assert.equal(BigInt(info.watermarkId), GENERATED_FLAG | jobId);
    assert.equal(info.royaltyBps, 300);
    assert.equal(info.offerCount, 1);
    assert.equal(await works.read.workByWatermark([GENERATED_FLAG | jobId]), 1n);
    assert.equal(await works.read.workByContentHash([ch]), 1n);
    assert.equal(await market.read.workOfJob([jobId]), 1n);
    assert.equal((await market.read.getJob([jobId])).workId, 1n);
    assert.equal(await market.read.jobStatus([jobId]), JobStatus.Fulfilled);
    assert.equal((await market.read.nodeInfo([node.account.address])).locked, 0n);
    assert.equal(await market.read.creditOf([node.account.address, ZERO]), FEE - protocolFee);
    assert.equal(await market.read.creditOf([treasury.account.address, ZERO]), protocolFee);
    // The requested offer is live on the work.
    await f.buy(d, 1n, 1n, creator);
    assert.equal(await licenses.read.isLicensed([1n, creator.account.address, true]), true);
    // Paid at most once.
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.fulfilJob([jobId, outputOf(jobId, node), SECRET, metadataDigest(), 0n], {
        account: node.account,
      }),
      market,
      "JobNotClaimed",
      [jobId, JobStatus.Fulfilled],
    );
    await viem.assertions.revertWithCustomError(market.write.expireJob([jobId]), market, "DeadlineNotPassed");
    await f.networkHelpers.time.increaseTo(deadline + 1);
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.expireJob([jobId]),
      market,
      "JobNotOpen",
      [jobId, JobStatus.Fulfilled],
    );
    await assertSolvent(
      d,
      [jobId],
      [node.account.address, requester.account.address, treasury.account.address],
    );
    await f.mined(market.write.withdraw([ZERO], { account: node.account }));
    await f.mined(market.write.withdraw([ZERO], { account: treasury.account }));
  });

  it("an ERC-20 offer requested with the job is attached at fulfilment", async () => {
    const d = await ready();
    const { market, works, token } = d;
    const t = await f.now();
    await f.mined(
      market.write.requestGeneration(
        [
          1,
          toHex("x"),
          "0x",
          Number(t + 100n),
          0,
          { termsId: PRESET.personal, currency: token.address, price: 7n, maxSupply: 0 },
          [],
        ],
        { account: requester.account, value: FEE },
      ),
    );
    assert.equal((await market.read.getJob([1n])).offer.currency, getAddress(token.address));
    await f.mined(market.write.claimJob([1n, outputOf(1n, node)], { account: node.account }));
    await f.mined(
      market.write.fulfilJob([1n, outputOf(1n, node), SECRET, metadataDigest(), 0n], {
        account: node.account,
      }),
    );
    const offer = await works.read.offerInfo([1n, 1n]);
    assert.equal(offer.currency, getAddress(token.address));
    assert.equal(offer.price, 7n);
  });

  it("a job without an offer mints a work without offers", async () => {
    const d = await ready();
    const jobId = await f.request(d, { termsId: 0 });
    await f.mined(d.market.write.claimJob([jobId, outputOf(jobId, f.node)], { account: f.node.account }));
    await f.mined(
      d.market.write.fulfilJob([jobId, outputOf(jobId, f.node), SECRET, metadataDigest(), 0n], {
        account: f.node.account,
      }),
    );
    assert.equal(await d.works.read.offerCount([1n]), 0n);
  });

  it("reverts claims that are not allowed", async () => {
    const d = await ready();
    const { market } = d;
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.claimJob([1n, outputOf(1n, node)], { account: node.account }),
      market,
      "UnknownJob",
      [1n],
    );
    const jobId = await f.request(d);
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.claimJob([jobId, outputOf(jobId, outsider)], { account: outsider.account }),
      market,
      "InsufficientStake",
      [getAddress(outsider.account.address), 0n, 0n],
    );
    await f.registerModel(d);
    await f.registerNode(d, node2, [2]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.claimJob([jobId, outputOf(jobId, node2)], { account: node2.account }),
      market,
      "ModelNotServed",
      [getAddress(node2.account.address), 1],
    );
    await f.mined(market.write.claimJob([jobId, outputOf(jobId, node)], { account: node.account }));
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.claimJob([jobId, outputOf(jobId, node)], { account: node.account }),
      market,
      "JobNotOpen",
      [jobId, JobStatus.Claimed],
    );
    // All free stake locked: no more claims (stake 2·min, lock 0.01 → 20 claims max).
    const stake = MIN_STAKE * 2n;
    const claims = stake / CLAIM_LOCK;
    for (let i = 1n; i < claims; i++) {
      const j = await f.request(d);
      await f.mined(market.write.claimJob([j, outputOf(j, node)], { account: node.account }));
    }
    const last = await f.request(d);
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.claimJob([last, outputOf(last, node)], { account: node.account }),
      market,
      "InsufficientStake",
      [getAddress(node.account.address), stake, stake],
    );
    // Past the deadline, nobody can claim.
    const late = await f.request(d, { deadline: (await f.now()) + 10n });
    await f.networkHelpers.time.increase(11);
    await viem.assertions.revertWithCustomError(
      market.write.claimJob([late, outputOf(late, node2)], { account: node2.account }),
      market,
      "DeadlinePassed",
    );
  });

  it("reverts fulfil / release / reject by anyone but the claiming node, before claim, or after the deadline", async () => {
    const d = await ready();
    const { market } = d;
    await f.registerNode(d, node2, [1]);
    const jobId = await f.request(d);
    const args = [jobId, outputOf(jobId, node), SECRET, metadataDigest(), 0n] as const;
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.fulfilJob([...args], { account: node.account }),
      market,
      "JobNotClaimed",
      [jobId, JobStatus.Open],
    );
    await viem.assertions.revertWithCustomError(
      market.write.releaseJob([jobId], { account: node.account }),
      market,
      "JobNotClaimed",
    );
    await viem.assertions.revertWithCustomError(
      market.write.rejectJob([jobId, 1], { account: node.account }),
      market,
      "JobNotClaimed",
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.fulfilJob([99n, ...args.slice(1)] as never, { account: node.account }),
      market,
      "UnknownJob",
      [99n],
    );
    await f.mined(market.write.claimJob([jobId, outputOf(jobId, node)], { account: node.account }));
    for (const call of [
      market.write.fulfilJob([...args], { account: node2.account }),
      market.write.releaseJob([jobId], { account: node2.account }),
      market.write.rejectJob([jobId, 1], { account: node2.account }),
    ]) {
      await viem.assertions.revertWithCustomErrorWithArgs(call, market, "NotClaimingNode", [
        jobId,
        getAddress(node2.account.address),
      ]);
    }
    const deadline = (await market.read.getJob([jobId])).deadline;
    await f.networkHelpers.time.increaseTo(deadline + 1);
    for (const call of [
      market.write.fulfilJob([...args], { account: node.account }),
      market.write.releaseJob([jobId], { account: node.account }),
      market.write.rejectJob([jobId, 1], { account: node.account }),
    ]) {
      await viem.assertions.revertWithCustomErrorWithArgs(call, market, "DeadlinePassed", [
        jobId,
        BigInt(deadline),
      ]);
    }
  });

  it("releases a claimed job back to the pool; another node fulfils it", async () => {
    const d = await ready();
    const { market } = d;
    await f.registerNode(d, node2, [1]);
    const jobId = await f.request(d);
    await f.mined(market.write.claimJob([jobId, outputOf(jobId, node)], { account: node.account }));
    await viem.assertions.emitWithArgs(
      market.write.releaseJob([jobId], { account: node.account }),
      market,
      "JobReleased",
      [jobId, getAddress(node.account.address), 0, 0n],
    );
    assert.equal(await market.read.jobStatus([jobId]), JobStatus.Open);
    // The job remembers who gave it back: that node may not claim it again (no claim/release cycling).
    assert.equal((await market.read.getJob([jobId])).node, getAddress(node.account.address));
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.claimJob([jobId, outputOf(jobId, node)], { account: node.account }),
      market,
      "JobGivenBack",
      [jobId, getAddress(node.account.address)],
    );
    assert.equal((await market.read.nodeInfo([node.account.address])).locked, 0n);
    await f.mined(market.write.claimJob([jobId, outputOf(jobId, node2)], { account: node2.account }));
    await f.mined(
      market.write.fulfilJob([jobId, outputOf(jobId, node2), SECRET, metadataDigest(), 0n], {
        account: node2.account,
      }),
    );
    assert.equal(await market.read.creditOf([node2.account.address, ZERO]), FEE - protocolFee);
    assert.equal(await market.read.creditOf([node.account.address, ZERO]), 0n);
  });

  it("expires an unclaimed job (refund) and a claimed one (refund + slash to the treasury)", async () => {
    const d = await ready();
    const { market } = d;
    const open = await f.request(d);
    const claimed = await f.request(d);
    await f.mined(market.write.claimJob([claimed, outputOf(claimed, node)], { account: node.account }));
    await viem.assertions.revertWithCustomError(
      market.write.expireJob([claimed], { account: outsider.account }),
      market,
      "DeadlineNotPassed",
    );
    await viem.assertions.revertWithCustomErrorWithArgs(market.write.expireJob([77n]), market, "UnknownJob", [
      77n,
    ]);
    await f.networkHelpers.time.increase(3601);
    await viem.assertions.emitWithArgs(
      market.write.expireJob([open], { account: outsider.account }),
      market,
      "JobExpired",
      [open, ZERO, getAddress(outsider.account.address), FEE, 0n],
    );
    await viem.assertions.emitWithArgs(
      market.write.expireJob([claimed], { account: outsider.account }),
      market,
      "JobExpired",
      [claimed, getAddress(node.account.address), getAddress(outsider.account.address), FEE, CLAIM_LOCK],
    );
    assert.equal(await market.read.jobStatus([claimed]), JobStatus.Expired);
    const n = await market.read.nodeInfo([node.account.address]);
    assert.equal(n.stake, MIN_STAKE * 2n - CLAIM_LOCK);
    assert.equal(n.locked, 0n);
    assert.equal(await market.read.creditOf([requester.account.address, ZERO]), FEE * 2n);
    assert.equal(await market.read.creditOf([treasury.account.address, ZERO]), CLAIM_LOCK);
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.expireJob([claimed]),
      market,
      "JobNotOpen",
      [claimed, JobStatus.Expired],
    );
    await assertSolvent(
      d,
      [open, claimed],
      [node.account.address, requester.account.address, treasury.account.address],
    );
  });

  it("fulfilJob ends the job and credits the node before it calls Works (checks-effects-interactions)", async () => {
    const d = await f.load();
    const probe = getContract({
      address: ((await viem.deployContract("ProbeWorks" as never)) as { address: Address }).address,
      abi: parseAbi([
        "function setNode(address node)",
        "function seenStatus() view returns (uint8)",
        "function seenNodeCredit() view returns (uint256)",
      ]),
      client: { public: publicClient, wallet: admin },
    });
    const market = await viem.deployContract("GenerationMarket", [
      admin.account.address,
      probe.address,
      d.terms.address,
      treasury.account.address,
      Number(GENERATION_FEE_BPS),
      MIN_STAKE,
      CLAIM_LOCK,
      Number(COOLDOWN),
    ]);
    await f.mined(probe.write.setNode([node.account.address]));
    await f.mined(
      market.write.registerModel([keccak256(toHex("w")), keccak256(toHex("c")), 0x55n, true, "m"], {
        account: admin.account,
      }),
    );
    await f.mined(market.write.registerNode([[1]], { account: node.account, value: MIN_STAKE }));
    const deadline = (await f.now()) + 3600n;
    await f.mined(
      market.write.requestGeneration(
        [
          1,
          toHex("p"),
          "0x",
          Number(deadline),
          0,
          { termsId: 0, currency: ZERO, price: 0n, maxSupply: 0 },
          [],
        ],
        { account: requester.account, value: FEE },
      ),
    );
    await f.mined(market.write.claimJob([1n, outputOf(1n, node)], { account: node.account }));
    await f.mined(
      market.write.fulfilJob([1n, outputOf(1n, node), SECRET, metadataDigest(), 0n], {
        account: node.account,
      }),
    );
    assert.equal(await probe.read.seenStatus(), JobStatus.Fulfilled);
    assert.equal(await probe.read.seenNodeCredit(), FEE - protocolFee);
    assert.equal(await market.read.workOfJob([1n]), 1n);
  });

  it("pausing stops requests only: claimed work can still be fulfilled and credits withdrawn", async () => {
    const d = await ready();
    const { market } = d;
    const jobId = await f.request(d);
    await f.mined(market.write.pause({ account: admin.account }));
    await f.mined(market.write.claimJob([jobId, outputOf(jobId, node)], { account: node.account }));
    await f.mined(
      market.write.fulfilJob([jobId, outputOf(jobId, node), SECRET, metadataDigest(), 0n], {
        account: node.account,
      }),
    );
    await f.mined(market.write.withdraw([ZERO], { account: node.account }));
    assert.equal(await market.read.paused(), true);
  });
});
