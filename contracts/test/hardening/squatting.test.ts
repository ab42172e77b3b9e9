/**
 * Protocol v1.1 hardening — squatting of generated output: nobody but the node can spoil a job (the seed
 * mixes in the node's secret; the claim reserves the content hash; front-runs of the claim and of the
 * fulfil from the mempool, with automine off). Each test fails on the v1.0 contracts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeAbiParameters, getAddress, keccak256, toHex } from "viem";
import {
  FEE,
  SECRET,
  Status,
  ZERO,
  ZERO_HASH,
  contentHash,
  hardeningFixture,
  metadataDigest,
  outputOf,
  protocolFee,
  render,
} from "../../test-support/hardening.ts";

const { f, ready, inOneBlock, receiptOf, frontRunMint } = await hardeningFixture();
const { viem, requester, node, outsider, creator, publicClient } = f;

describe("squatting: nobody but the node can spoil a job", () => {
  it("the output can't be computed from public data: a squat of the v1.0 seed's output does not hit", async () => {
    const d = await ready();
    const jobId = await f.request(d);
    const chainId = await publicClient.getChainId();
    // v1.0's seed was keccak256(chainId, market, jobId): public, so the output could be minted first.
    const publicSeed = BigInt(
      keccak256(
        encodeAbiParameters(
          [{ type: "uint256" }, { type: "address" }, { type: "uint256" }],
          [BigInt(chainId), d.market.address, jobId],
        ),
      ),
    );
    await f.mined(
      d.works.write.mintWork([render(publicSeed), metadataDigest(), ZERO_HASH, 0n, 0, [], []], {
        account: outsider.account,
      }),
    );
    // The node's seed mixes in its own secret, revealed only at fulfilment.
    const seed = await d.market.read.seedOf([jobId, node.account.address, SECRET]);
    assert.notEqual(seed, publicSeed);
    const output = render(seed);
    await f.mined(d.market.write.claimJob([jobId, output], { account: node.account }));
    await f.mined(
      d.market.write.fulfilJob([jobId, output, SECRET, metadataDigest(), 0n], { account: node.account }),
    );
    assert.equal(await d.market.read.jobStatus([jobId]), Status.Fulfilled);
    assert.equal(await d.market.read.creditOf([node.account.address, ZERO]), FEE - protocolFee);
  });

  it("a third party front-running the fulfil from the mempool: its mint fails, the job is fulfilled, the node paid", async () => {
    const d = await ready();
    const jobId = await f.request(d);
    await f.claim(d, jobId);
    const output = outputOf(jobId, node);
    const [fulfil, squat] = await inOneBlock(async () => {
      const fulfil = await d.market.write.fulfilJob([jobId, output, SECRET, metadataDigest(), 0n], {
        account: node.account,
        gas: 1_000_000n,
      });
      return [fulfil, await frontRunMint(d, fulfil)] as const;
    });
    const [fr, sr] = [await receiptOf(fulfil), await receiptOf(squat)];
    assert.equal(sr.blockNumber, fr.blockNumber);
    assert.ok(sr.transactionIndex < fr.transactionIndex, "the squat was ordered first");
    assert.equal(sr.status, "reverted"); // ContentReserved
    assert.equal(fr.status, "success");
    assert.equal(await d.market.read.jobStatus([jobId]), Status.Fulfilled);
    const workId = await d.market.read.workOfJob([jobId]);
    assert.equal(await d.works.read.ownerOf([workId]), getAddress(requester.account.address));
    assert.equal(await d.works.read.workByContentHash([output]), workId);
    assert.equal(await d.market.read.creditOf([node.account.address, ZERO]), FEE - protocolFee);
  });

  it("the requester front-running the fulfil can't take the output for free", async () => {
    const d = await ready();
    const jobId = await f.request(d);
    await f.claim(d, jobId);
    const output = outputOf(jobId, node);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.works.write.mintWork([output, metadataDigest(), ZERO_HASH, 0n, 0, [], []], {
        account: requester.account,
      }),
      d.works,
      "ContentReserved",
      [output, jobId],
    );
    const [, node_] = await d.works.read.contentReservation([output]);
    assert.equal(node_, getAddress(node.account.address));
    await f.fulfil(d, jobId);
    assert.equal(await d.market.read.creditOf([requester.account.address, ZERO]), 0n); // no refund
    assert.equal(await d.market.read.creditOf([node.account.address, ZERO]), FEE - protocolFee);
  });

  it("a front-run of the claim leaves the job open and the node unlocked: it draws a new secret and claims again", async () => {
    const d = await ready();
    const jobId = await f.request(d);
    const first = render(await d.market.read.seedOf([jobId, node.account.address, SECRET]));
    const [claim, squat] = await inOneBlock(async () => {
      const claim = await d.market.write.claimJob([jobId, first], { account: node.account, gas: 500_000n });
      return [claim, await frontRunMint(d, claim)] as const;
    });
    assert.equal((await receiptOf(squat)).status, "success");
    assert.equal((await receiptOf(claim)).status, "reverted"); // DuplicateContentHash
    assert.equal(await d.market.read.jobStatus([jobId]), Status.Open);
    assert.equal((await d.market.read.nodeInfo([node.account.address])).locked, 0n);
    const secret2 = keccak256(toHex("second secret"));
    const second = render(await d.market.read.seedOf([jobId, node.account.address, secret2]));
    await f.mined(d.market.write.claimJob([jobId, second], { account: node.account }));
    await f.mined(
      d.market.write.fulfilJob([jobId, second, secret2, metadataDigest(), 0n], { account: node.account }),
    );
    assert.equal(await d.market.read.jobStatus([jobId]), Status.Fulfilled);
  });

  it("a claim names the work that already holds its content; a reservation dies with the claim", async () => {
    const d = await ready();
    const registered = contentHash();
    await f.mined(
      d.works.write.mintWork([registered, metadataDigest(), ZERO_HASH, 0n, 0, [], []], {
        account: creator.account,
      }),
    );
    const jobId = await f.request(d);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.claimJob([jobId, registered], { account: node.account }),
      d.works,
      "DuplicateContentHash",
      [registered, await d.works.read.workCount()],
    );
    // Released: the reserved hash is free again (nothing was published under it).
    await f.claim(d, jobId);
    await f.mined(d.market.write.releaseJob([jobId], { account: node.account }));
    const [live] = await d.works.read.contentReservation([outputOf(jobId, node)]);
    assert.equal(live, 0n);
    await f.mined(
      d.works.write.mintWork([outputOf(jobId, node), metadataDigest(), ZERO_HASH, 0n, 0, [], []], {
        account: outsider.account,
      }),
    );
  });
});
