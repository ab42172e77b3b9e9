import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, getContract, keccak256, parseAbi, toHex, type Address } from "viem";
import {
  CLAIM_LOCK,
  COOLDOWN,
  GENERATED_FLAG,
  GENERATION_FEE_BPS,
  MIN_STAKE,
  PRESET,
  ZERO,
  createFixture,
  outputOf,
  SECRET,
  jobSeedOf,
  metadataDigest,
} from "../../test-support/fixture.ts";
import { FEE, protocolFee, Status as JobStatus } from "../../test-support/jobs.ts";
import { marketTools } from "../../test-support/market.ts";

const f = await createFixture();
const { viem, requester, node, admin, treasury, publicClient, creator } = f;
const { ready, assertSolvent } = marketTools(f);

describe("GenerationMarket: claim and fulfil", () => {
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
