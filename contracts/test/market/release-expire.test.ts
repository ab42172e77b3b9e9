import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress } from "viem";
import {
  CLAIM_LOCK,
  MIN_STAKE,
  ZERO,
  createFixture,
  outputOf,
  SECRET,
  metadataDigest,
} from "../../test-support/fixture.ts";
import { FEE, protocolFee, Status as JobStatus } from "../../test-support/jobs.ts";
import { marketTools } from "../../test-support/market.ts";

const f = await createFixture();
const { viem, requester, node, node2, outsider, treasury } = f;
const { ready, assertSolvent } = marketTools(f);

describe("GenerationMarket: refused claims, release, reject, expire", () => {
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
});
