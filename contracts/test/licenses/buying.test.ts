import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, type Address } from "viem";
import { PRESET, PRICE, ZERO, createFixture } from "../../test-support/fixture.ts";
import { assertRoleGuarded } from "../../test-support/admin.ts";
import { licenseFee as fee } from "../../test-support/licenses.ts";

const f = await createFixture();
const { viem, creator, buyer, buyer2, admin, treasury, publicClient } = f;

describe("Licenses: buying with ETH", () => {
  it("mints the license, splits the payment into credits, emits one purchase event", async () => {
    const d = await f.load();
    const { licenses } = d;
    const id = await f.mintRoot(d);
    const licenseId = (id << 64n) | (1n << 32n) | 1n;
    const tx = licenses.write.buyLicense([id, 1n, buyer2.account.address, PRICE], {
      account: buyer.account,
      value: PRICE,
    });
    const start = BigInt(await f.networkHelpers.time.latest()) + 1n;
    await viem.assertions.emitWithArgs(tx, licenses, "LicensePurchased", [
      licenseId,
      id,
      getAddress(buyer2.account.address),
      1n,
      PRESET.commercialRemix,
      ZERO,
      PRICE,
      fee(PRICE),
      getAddress(creator.account.address),
      PRICE - fee(PRICE),
      Number(start + 365n * 24n * 3600n),
    ]);
    assert.equal(await licenses.read.ownerOf([licenseId]), getAddress(buyer2.account.address));
    assert.equal(await licenses.read.creditOf([creator.account.address, ZERO]), PRICE - fee(PRICE));
    assert.equal(await licenses.read.creditOf([treasury.account.address, ZERO]), fee(PRICE));
    assert.equal(await publicClient.getBalance({ address: licenses.address }), PRICE);
    const info = await licenses.read.licenseInfo([licenseId]);
    assert.equal(info.workId, id);
    assert.equal(info.offerId, 1n);
    assert.equal(info.serial, 1n);
    assert.equal(info.licensee, getAddress(buyer2.account.address));
    assert.equal(info.price, PRICE);
    assert.equal(info.start, Number(start));
    assert.equal(info.valid, true);
    assert.equal(await licenses.read.workOfLicense([licenseId]), id);
    assert.equal(await licenses.read.licenseIdOf([id, 1n, 1n]), licenseId);
    assert.match(await licenses.read.tokenURI([licenseId]), /^data:application\/json;base64,/);
    assert.equal(await d.works.read.offerSold([id, 1n]), 1n);
  });

  it("emits ERC-5192 Locked and blocks transfers for non-transferable terms", async () => {
    const d = await f.load();
    const { licenses } = d;
    const id = await f.mintRoot(d);
    const tx = licenses.write.buyLicense([id, 1n, buyer.account.address, PRICE], {
      account: buyer.account,
      value: PRICE,
    });
    const licenseId = (id << 64n) | (1n << 32n) | 1n;
    await viem.assertions.emitWithArgs(tx, licenses, "Locked", [licenseId]);
    assert.equal(await licenses.read.locked([licenseId]), true);
    await viem.assertions.revertWithCustomErrorWithArgs(
      licenses.write.transferFrom([buyer.account.address, buyer2.account.address, licenseId], {
        account: buyer.account,
      }),
      licenses,
      "LicenseNonTransferable",
      [licenseId],
    );
    await viem.assertions.revertWithCustomError(
      licenses.read.locked([1n]),
      licenses,
      "ERC721NonexistentToken",
    );
  });

  it("transfers transferable licenses; isLicensed follows the holder", async () => {
    const d = await f.load();
    const { licenses } = d;
    const id = await f.mintRoot(d, creator, [
      { termsId: PRESET.exclusiveBuyout, currency: ZERO, price: PRICE, maxSupply: 5 },
    ]);
    const licenseId = await f.buy(d, id);
    assert.equal(await licenses.read.locked([licenseId]), false);
    assert.equal(await licenses.read.isLicensed([id, buyer.account.address, true]), true);
    await f.mined(
      licenses.write.transferFrom([buyer.account.address, buyer2.account.address, licenseId], {
        account: buyer.account,
      }),
    );
    assert.equal(await licenses.read.isLicensed([id, buyer.account.address, false]), false);
    assert.equal(await licenses.read.isLicensed([id, buyer2.account.address, true]), true);
  });

  it("isLicensed: commercial flag, expiry and other works", async () => {
    const d = await f.load();
    const { licenses } = d;
    const id = await f.mintRoot(d, creator, [
      { termsId: PRESET.personal, currency: ZERO, price: PRICE, maxSupply: 0 },
      { termsId: PRESET.commercial, currency: ZERO, price: PRICE, maxSupply: 0 },
    ]);
    const other = await f.mintRoot(d);
    assert.equal(await licenses.read.isLicensed([id, buyer.account.address, false]), false);
    const personal = await f.buy(d, id, 1n);
    assert.equal(await licenses.read.isLicensed([id, buyer.account.address, false]), true);
    assert.equal(await licenses.read.isLicensed([id, buyer.account.address, true]), false);
    assert.equal(await licenses.read.isLicensed([other, buyer.account.address, false]), false);
    assert.equal(await licenses.read.isLicensed([id, buyer2.account.address, false]), false);
    const commercial = await f.buy(d, id, 2n);
    assert.equal(await licenses.read.isLicensed([id, buyer.account.address, true]), true);
    assert.equal(await licenses.read.isLicenseValid([commercial, buyer.account.address, true]), true);
    assert.equal(await licenses.read.isLicenseValid([personal, buyer.account.address, true]), false);
    assert.equal(await licenses.read.isLicenseValid([commercial, buyer2.account.address, false]), false);
    await f.networkHelpers.time.increase(365 * 24 * 3600);
    // The commercial license (one year) has expired; the personal one is perpetual.
    assert.equal(await licenses.read.isLicensed([id, buyer.account.address, true]), false);
    assert.equal(await licenses.read.isLicensed([id, buyer.account.address, false]), true);
    assert.equal((await licenses.read.licenseInfo([commercial])).valid, false);
    assert.equal((await licenses.read.licenseInfo([personal])).expiry, 0);
  });

  it("reverts on wrong payment, price above max, zero licensee, unknown work or offer, paused", async () => {
    const d = await f.load();
    const { licenses, works } = d;
    const id = await f.mintRoot(d);
    const b = (
      value: bigint,
      maxPrice = PRICE,
      licensee: Address = buyer.account.address,
      offerId = 1n,
      workId = id,
    ) => licenses.write.buyLicense([workId, offerId, licensee, maxPrice], { account: buyer.account, value });
    await viem.assertions.revertWithCustomErrorWithArgs(b(PRICE - 1n), licenses, "WrongPayment", [
      PRICE,
      PRICE - 1n,
    ]);
    await viem.assertions.revertWithCustomErrorWithArgs(b(PRICE + 1n), licenses, "WrongPayment", [
      PRICE,
      PRICE + 1n,
    ]);
    await viem.assertions.revertWithCustomErrorWithArgs(b(PRICE, PRICE - 1n), licenses, "PriceAboveMax", [
      PRICE,
      PRICE - 1n,
    ]);
    await viem.assertions.revertWithCustomError(b(PRICE, PRICE, ZERO), licenses, "InvalidLicensee");
    await viem.assertions.revertWithCustomErrorWithArgs(
      b(PRICE, PRICE, buyer.account.address, 2n),
      works,
      "UnknownOffer",
      [id, 2n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      b(PRICE, PRICE, buyer.account.address, 0n),
      works,
      "UnknownOffer",
      [id, 0n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      b(PRICE, PRICE, buyer.account.address, 1n, 9n),
      works,
      "UnknownWork",
      [9n],
    );
    await assertRoleGuarded(f, licenses, (account) => licenses.write.pause({ account }), {
      emits: { event: "Paused", args: [getAddress(admin.account.address)] },
    });
    assert.equal(await licenses.read.paused(), true);
    await viem.assertions.revertWithCustomError(b(PRICE), licenses, "EnforcedPause");
    await viem.assertions.revertWithCustomError(
      licenses.write.pause({ account: admin.account }),
      licenses,
      "EnforcedPause",
    );
    await f.mined(licenses.write.unpause({ account: admin.account }));
    await viem.assertions.revertWithCustomError(
      licenses.write.unpause({ account: admin.account }),
      licenses,
      "ExpectedPause",
    );
    await f.mined(b(PRICE));
  });

  it("enforces max supply", async () => {
    const d = await f.load();
    const id = await f.mintRoot(d, creator, [
      { termsId: PRESET.commercial, currency: ZERO, price: PRICE, maxSupply: 2 },
    ]);
    await f.buy(d, id);
    await f.buy(d, id, 1n, buyer2);
    await viem.assertions.revertWithCustomErrorWithArgs(f.buyTx(d, id), d.works, "OfferSoldOut", [id, 1n]);
  });

  it("exclusive terms: one sale, then no further licenses; never mixed with non-exclusive offers", async () => {
    const d = await f.load();
    const { works } = d;
    const excl = { termsId: PRESET.exclusiveBuyout, currency: ZERO, price: PRICE, maxSupply: 9 };
    const excl2 = { ...excl, currency: d.token.address, price: 5n };
    const normal = { termsId: PRESET.personal, currency: ZERO, price: PRICE, maxSupply: 0 };
    const id = await f.mintRoot(d, creator, [excl, excl2]);
    assert.equal((await works.read.offerInfo([id, 1n])).maxSupply, 1); // normalised to one
    await viem.assertions.emitWithArgs(
      d.licenses.write.buyLicense([id, 1n, buyer.account.address, PRICE], {
        account: buyer.account,
        value: PRICE,
      }),
      works,
      "ExclusiveLicenseSold",
      [id],
    );
    assert.equal((await works.read.workInfo([id])).exclusiveSold, true);
    for (const offerId of [1n, 2n]) {
      await viem.assertions.revertWithCustomErrorWithArgs(
        d.licenses.write.buyLicense([id, offerId, buyer2.account.address, PRICE], {
          account: buyer2.account,
          value: PRICE,
        }),
        works,
        "ExclusiveAlreadySold",
        [id],
      );
    }
    // A cheap non-exclusive licence could otherwise block the exclusive offer forever: one kind per work.
    const next = (await works.read.workCount()) + 1n;
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.mintUpload(d, { offers: [normal, excl] }),
      works,
      "ExclusiveOfferMix",
      [next],
    );
    const open = await f.mintRoot(d, creator, [{ ...normal, price: 0n }]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      works.write.addOffers([open, [excl]], { account: creator.account }),
      works,
      "ExclusiveOfferMix",
      [open],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      works.write.addOffers([id, [normal]], { account: creator.account }),
      works,
      "ExclusiveOfferMix",
      [id],
    );
  });
});
