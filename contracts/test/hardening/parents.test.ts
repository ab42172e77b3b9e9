/**
 * Protocol v1.1 hardening — parent-bearing jobs (owned and licensed parents, licences that expire before
 * the deadline, a parent flagged before fulfilment) and a revenue share that an owned intermediate
 * derivative cannot strip. Each test fails on the v1.0 contracts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, parseEther, parseEventLogs, toHex } from "viem";
import {
  FEE,
  GENERATION_FEE_BPS,
  MIN_STAKE,
  PRESET,
  PRICE,
  SECRET,
  Status,
  ZERO,
  hardeningFixture,
  metadataDigest,
  outputOf,
} from "../../test-support/hardening.ts";

const { f, ready } = await hardeningFixture();
const { viem, requester, node, outsider, admin, creator, buyer, buyer2 } = f;

describe("generation from parent works", () => {
  async function remixSetup() {
    const d = await ready();
    const owned = await f.mintRoot(d, requester);
    const licensed = await f.mintRoot(d, creator); // commercial + remix offer, 10% share
    const licenseId = await f.buy(d, licensed, 1n, requester);
    return { d, owned, licensed, licenseId };
  }

  it("requests with owned and licensed parents; the event carries them; the work is a derivative paying up", async () => {
    const { d, owned, licensed, licenseId } = await remixSetup();
    const parents = [
      { workId: owned, licenseId: 0n },
      { workId: licensed, licenseId },
    ];
    const deadline = (await f.now()) + 3600n;
    const offer = { termsId: PRESET.commercial, currency: ZERO, price: PRICE, maxSupply: 0 };
    await viem.assertions.emitWithArgs(
      d.market.write.requestGeneration([1, toHex("upscale"), "0x", Number(deadline), 0, offer, parents], {
        account: requester.account,
        value: FEE,
      }),
      d.market,
      "JobRequested",
      [
        1n,
        getAddress(requester.account.address),
        1,
        toHex("upscale"),
        "0x",
        FEE,
        Number(GENERATION_FEE_BPS),
        Number(deadline),
        (1n << 55n) | 1n,
        0,
        offer,
        parents,
      ],
    );
    assert.deepEqual((await d.market.read.getJob([1n])).parents, parents);
    await f.claim(d, 1n);
    const receipt = await f.fulfil(d, 1n);
    const minted = parseEventLogs({ abi: d.works.abi, logs: receipt.logs, eventName: "WorkMinted" })[0];
    assert.ok(minted);
    assert.deepEqual(minted.args.parentIds, [owned, licensed]);
    assert.deepEqual(minted.args.parentLicenseIds, [0n, licenseId]);
    assert.deepEqual(minted.args.parentShareBps, [0, 1000]);
    const workId = await d.market.read.workOfJob([1n]);
    const info = await d.works.read.workInfo([workId]);
    assert.equal(info.generated, true);
    assert.equal(info.depth, 1);
    // A sale of the generated derivative pays the licensed parent its 10%.
    const before = await d.licenses.read.creditOf([creator.account.address, ZERO]);
    await f.buy(d, workId, 1n, buyer2);
    const net = PRICE - (PRICE * 250n) / 10_000n;
    assert.equal((await d.licenses.read.creditOf([creator.account.address, ZERO])) - before, net / 10n);
  });

  it("refuses parents the requester has no right to, and licences that expire before the deadline", async () => {
    const { d, licensed, licenseId } = await remixSetup();
    const t = await f.now();
    const offer = { termsId: 0, currency: ZERO, price: 0n, maxSupply: 0 };
    const req = (parents: { workId: bigint; licenseId: bigint }[], deadline = t + 3600n, who = requester) =>
      d.market.write.requestGeneration([1, toHex("x"), "0x", Number(deadline), 0, offer, parents], {
        account: who.account,
        value: FEE,
      });
    await viem.assertions.revertWithCustomErrorWithArgs(
      req([{ workId: licensed, licenseId: 0n }]),
      d.works,
      "UnlicensedParent",
      [licensed, 0n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      req([{ workId: licensed, licenseId }], t + 3600n, outsider),
      d.works,
      "UnlicensedParent",
      [licensed, licenseId],
    );
    // The remix licence lasts a year: a job whose deadline is later can't rely on it... (max job is 30 days,
    // so move close to its expiry instead).
    await f.networkHelpers.time.increase(365 * 24 * 3600 - 600);
    const now = await f.now();
    await viem.assertions.revertWithCustomErrorWithArgs(
      req([{ workId: licensed, licenseId }], now + 3600n),
      d.works,
      "UnlicensedParent",
      [licensed, licenseId],
    );
    await f.mined(req([{ workId: licensed, licenseId }], now + 300n));
  });

  it("a parent flagged between request and fulfilment ends the job Rejected (5): refund, no slash, no work", async () => {
    const { d, licensed, licenseId } = await remixSetup();
    const jobId = await f.request(d, { parents: [{ workId: licensed, licenseId }] });
    await f.claim(d, jobId);
    await f.mined(d.works.write.setFlagged([licensed, true, "infringing"], { account: admin.account }));
    const works = await d.works.read.workCount();
    await viem.assertions.emitWithArgs(
      d.market.write.fulfilJob([jobId, outputOf(jobId, node), SECRET, metadataDigest(), 0n], {
        account: node.account,
      }),
      d.market,
      "JobRejected",
      [jobId, getAddress(node.account.address), 5, FEE],
    );
    assert.equal(await d.market.read.jobStatus([jobId]), Status.Rejected);
    assert.equal(await d.works.read.workCount(), works);
    assert.equal(await d.market.read.creditOf([requester.account.address, ZERO]), FEE);
    const n = await d.market.read.nodeInfo([node.account.address]);
    assert.equal(n.locked, 0n);
    assert.equal(n.stake, MIN_STAKE * 2n);
  });
});

describe("revenue share through an owned intermediate", () => {
  it("the owner of a licensed derivative can't strip its ancestor's share by deriving from it as owner", async () => {
    const d = await f.load();
    const { works, licenses } = d;
    const p = await f.mintRoot(d, creator); // remix terms, 10%
    const lic = await f.buy(d, p, 1n, buyer);
    const offer = { termsId: PRESET.commercial, currency: ZERO, price: parseEther("1"), maxSupply: 0 };
    await f.mined(
      f.mintUpload(d, { account: buyer, parents: [{ workId: p, licenseId: lic }], offers: [offer] }),
    );
    const dWork = await works.read.workCount();
    await f.mined(
      f.mintUpload(d, { account: buyer, parents: [{ workId: dWork, licenseId: 0n }], offers: [offer] }),
    );
    const d2 = await works.read.workCount();
    const info = await works.read.workInfo([d2]);
    assert.deepEqual(info.parentShareBps, [0xffff]); // inherited
    assert.equal(info.effectiveShareBps, 1000);
    const before = await licenses.read.creditOf([creator.account.address, ZERO]);
    const price = parseEther("1");
    await f.mined(
      licenses.write.buyLicense([d2, 1n, outsider.account.address, price], {
        account: outsider.account,
        value: price,
      }),
    );
    const net = price - (price * 250n) / 10_000n;
    assert.equal((await licenses.read.creditOf([creator.account.address, ZERO])) - before, net / 10n);
    const split = await works.read.revenueSplit([d2, 1000n]);
    assert.deepEqual(
      split.map((s) => [s.workId, s.amount]),
      [
        [p, 100n],
        [d2, 900n],
      ],
    );
  });
});
