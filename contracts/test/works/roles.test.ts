import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress } from "viem";
import {
  GENERATED_FLAG,
  ZERO,
  contentHash,
  createFixture,
  metadataDigest,
} from "../../test-support/fixture.ts";
import { assertRoleGuarded } from "../../test-support/admin.ts";

const f = await createFixture();
const { viem, creator, buyer, outsider, admin } = f;

describe("Works: arbiter, pauser and protocol roles", () => {
  it("an arbiter flags a work: no sales, no derivatives, visible on chain, ERC-4906 event", async () => {
    const d = await f.load();
    const { works } = d;
    const id = await f.mintRoot(d);
    const tx = works.write.setFlagged([id, true, "improper registration"], { account: admin.account });
    await viem.assertions.emitWithArgs(tx, works, "WorkFlagged", [
      id,
      true,
      getAddress(admin.account.address),
      "improper registration",
    ]);
    await viem.assertions.emitWithArgs(
      works.write.setFlagged([id, true, "again"], { account: admin.account }),
      works,
      "MetadataUpdate",
      [id],
    );
    assert.equal(await works.read.isFlagged([id]), true);
    assert.equal((await works.read.workInfo([id])).flagged, true);
    await viem.assertions.revertWithCustomErrorWithArgs(f.buyTx(d, id), works, "WorkIsFlagged", [id]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.mintUpload(d, { parents: [{ workId: id, licenseId: 0n }] }),
      works,
      "ParentFlagged",
      [id],
    );
    await viem.assertions.revertWithCustomError(
      works.write.setFlagged([id, false, ""], { account: outsider.account }),
      works,
      "AccessControlUnauthorizedAccount",
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      works.write.setFlagged([99n, true, ""], { account: admin.account }),
      works,
      "UnknownWork",
      [99n],
    );
    await f.mined(works.write.setFlagged([id, false, "cleared"], { account: admin.account }));
    await f.buy(d, id);
  });

  it("pauses uploads and offer changes (pauser only)", async () => {
    const d = await f.load();
    const { works } = d;
    const id = await f.mintRoot(d);
    await assertRoleGuarded(f, works, (account) => works.write.pause({ account }));
    await viem.assertions.revertWithCustomError(f.mintUpload(d), works, "EnforcedPause");
    await viem.assertions.revertWithCustomError(
      works.write.addOffers([id, []], { account: creator.account }),
      works,
      "EnforcedPause",
    );
    await assertRoleGuarded(f, works, (account) => works.write.unpause({ account }));
    await f.mintRoot(d);
  });

  it("only Licenses records sales and only the market mints generated works; the market is set once", async () => {
    const d = await f.load();
    const { works } = d;
    const id = await f.mintRoot(d);
    await viem.assertions.revertWithCustomErrorWithArgs(
      works.write.recordSale([id, 1n], { account: outsider.account }),
      works,
      "OnlyLicenses",
      [getAddress(outsider.account.address)],
    );
    await viem.assertions.revertWithCustomError(
      works.write.recordPrivateSale([id, false], { account: outsider.account }),
      works,
      "OnlyLicenses",
    );
    const offer = { termsId: 0, currency: ZERO, price: 0n, maxSupply: 0 };
    await viem.assertions.revertWithCustomError(
      works.write.mintGenerated(
        [
          {
            to: outsider.account.address,
            node: outsider.account.address,
            jobId: 1n,
            contentHash: contentHash(),
            metadataDigest: metadataDigest(),
            perceptualHash: 0n,
            royaltyBps: 0,
            offer,
            parents: [],
          },
        ],
        { account: outsider.account },
      ),
      works,
      "OnlyMarket",
    );
    await viem.assertions.revertWithCustomError(
      works.write.setMarket([outsider.account.address], { account: admin.account }),
      works,
      "MarketAlreadySet",
    );
    assert.equal(await works.read.market(), getAddress(d.market.address));
    assert.equal(await works.read.licenses(), getAddress(d.licenses.address));
    assert.equal(await d.licenses.read.works(), getAddress(works.address));

    // A stand-alone Works whose "market" is an EOA: the generated path's own checks.
    const solo = await viem.deployContract("Works", [
      admin.account.address,
      d.terms.address,
      admin.account.address,
      0,
    ]);
    await viem.assertions.revertWithCustomError(
      solo.write.setMarket([ZERO], { account: admin.account }),
      solo,
      "InvalidMarket",
    );
    await assertRoleGuarded(
      f,
      solo,
      (account) => solo.write.setMarket([outsider.account.address], { account }),
      {
        outsider: buyer,
        emits: { event: "MarketSet", args: [getAddress(outsider.account.address)] },
      },
    );
    const generated = (jobId: bigint, hash = contentHash()) => ({
      to: buyer.account.address,
      node: outsider.account.address,
      jobId,
      contentHash: hash,
      metadataDigest: metadataDigest(),
      perceptualHash: 5n,
      royaltyBps: 0,
      offer,
      parents: [],
    });
    const mintAs = (jobId: bigint) =>
      solo.write.mintGenerated([generated(jobId)], { account: outsider.account });
    // Only the market reserves content; a generated mint needs its node's reservation.
    const reserved = contentHash();
    await viem.assertions.revertWithCustomErrorWithArgs(
      solo.write.reserveContent([reserved, outsider.account.address, 12n], { account: buyer.account }),
      solo,
      "OnlyMarket",
      [getAddress(buyer.account.address)],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(mintAs(0n), solo, "InvalidJobId", [0n]);
    await viem.assertions.revertWithCustomErrorWithArgs(mintAs(GENERATED_FLAG), solo, "InvalidJobId", [
      GENERATED_FLAG,
    ]);
    await viem.assertions.revertWithCustomError(
      solo.write.mintGenerated([generated(12n, reserved)], { account: outsider.account }),
      solo,
      "ContentReserved",
    );
    await f.mined(
      solo.write.reserveContent([reserved, outsider.account.address, 12n], { account: outsider.account }),
    );
    await f.mined(solo.write.mintGenerated([generated(12n, reserved)], { account: outsider.account }));
    const info = await solo.read.workInfo([1n]);
    assert.equal(info.generated, true);
    assert.equal(info.jobId, 12n);
    assert.equal(BigInt(info.watermarkId), GENERATED_FLAG | 12n);
    assert.equal(info.offerCount, 0);
  });
});
