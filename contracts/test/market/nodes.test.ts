import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress } from "viem";
import {
  CLAIM_LOCK,
  COOLDOWN,
  MIN_STAKE,
  ZERO,
  createFixture,
  outputOf,
  SECRET,
  metadataDigest,
} from "../../test-support/fixture.ts";
import { marketTools } from "../../test-support/market.ts";

const f = await createFixture();
const { viem, requester, node, outsider, treasury, publicClient } = f;
const { assertSolvent } = marketTools(f);

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
