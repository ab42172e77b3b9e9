/**
 * Protocol v1.1 hardening — griefing by nodes costs the griefer (claim → reject, claim → hold → release),
 * and the node registry's endpoint, stake recipient and model name. Each test fails on the v1.0 contracts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress } from "viem";
import {
  CLAIM_LOCK,
  FEE,
  MIN_STAKE,
  Status,
  ZERO,
  hardeningFixture,
  outputOf,
  protocolFee,
} from "../../test-support/hardening.ts";

const { f, ready } = await hardeningFixture();
const { viem, requester, node, node2, outsider, publicClient, treasury } = f;

describe("griefing costs the griefer", () => {
  it("claim → reject at once: the job is open again for other nodes, the rejecting node can't take it back", async () => {
    const d = await ready();
    const jobId = await f.request(d);
    await f.claim(d, jobId);
    await viem.assertions.emitWithArgs(
      d.market.write.rejectJob([jobId, 1], { account: node.account }),
      d.market,
      "JobReleased",
      [jobId, getAddress(node.account.address), 1, 0n],
    );
    assert.equal(await d.market.read.jobStatus([jobId]), Status.Open);
    await viem.assertions.revertWithCustomError(
      d.market.write.claimJob([jobId, outputOf(jobId, node)], { account: node.account }),
      d.market,
      "JobGivenBack",
    );
    await f.claim(d, jobId, node2);
    await f.fulfil(d, jobId, node2);
    assert.equal(await d.market.read.creditOf([node2.account.address, ZERO]), FEE - protocolFee);
    // The requester of a job every node rejects can cancel it for a refund.
    const unsafe = await f.request(d);
    await f.claim(d, unsafe);
    await f.mined(d.market.write.rejectJob([unsafe, 1], { account: node.account }));
    await f.mined(d.market.write.cancelJob([unsafe], { account: requester.account }));
    assert.equal(await d.market.read.creditOf([requester.account.address, ZERO]), FEE);
  });

  it("claim → hold → release late: half the lock goes to the requester; another node still fulfils", async () => {
    const d = await ready();
    const jobId = await f.request(d, { deadline: (await f.now()) + 7200n });
    await f.claim(d, jobId);
    await f.networkHelpers.time.increase(Number(await d.market.read.RELEASE_GRACE()) + 1);
    const forfeit = CLAIM_LOCK / 2n;
    await viem.assertions.emitWithArgs(
      d.market.write.releaseJob([jobId], { account: node.account }),
      d.market,
      "JobReleased",
      [jobId, getAddress(node.account.address), 0, forfeit],
    );
    assert.equal(await d.market.read.creditOf([requester.account.address, ZERO]), forfeit);
    const n = await d.market.read.nodeInfo([node.account.address]);
    assert.equal(n.stake, MIN_STAKE * 2n - forfeit);
    assert.equal(n.locked, 0n);
    await f.claim(d, jobId, node2);
    await f.fulfil(d, jobId, node2);
    const balance = await publicClient.getBalance({ address: d.market.address });
    const owed =
      (await d.market.read.creditOf([requester.account.address, ZERO])) +
      (await d.market.read.creditOf([node2.account.address, ZERO])) +
      (await d.market.read.creditOf([treasury.account.address, ZERO])) +
      n.stake +
      (await d.market.read.nodeInfo([node2.account.address])).stake;
    assert.equal(balance, owed);
  });
});

describe("nodes, models, credits", () => {
  it("publishes a node endpoint (event only), names the stake recipient, reads the model name", async () => {
    const d = await ready();
    await viem.assertions.emitWithArgs(
      d.market.write.setNodeEndpoint(["https://node.example/"], { account: node.account }),
      d.market,
      "NodeEndpointSet",
      [getAddress(node.account.address), "https://node.example/"],
    );
    await viem.assertions.revertWithCustomError(
      d.market.write.setNodeEndpoint(["https://x/"], { account: outsider.account }),
      d.market,
      "NodeNotRegistered",
    );
    assert.equal((await d.market.read.modelInfo([1])).name, "cppn");
    await f.mined(d.market.write.requestUnstake([MIN_STAKE], { account: node.account }));
    await f.networkHelpers.time.increase(7200);
    await viem.assertions.emitWithArgs(
      d.market.write.withdrawStakeTo([outsider.account.address], { account: node.account }),
      d.market,
      "StakeWithdrawn",
      [getAddress(node.account.address), getAddress(outsider.account.address), MIN_STAKE],
    );
    assert.deepEqual(await d.market.read.creditsOf([node.account.address, [ZERO]]), [0n]);
  });
});
