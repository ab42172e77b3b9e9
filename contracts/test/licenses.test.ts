import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeFunctionData, getAddress, parseEther, parseEventLogs, type Address } from "viem";
import { signPrivateOffer, type PrivateOffer } from "@atelier/devchain";
import {
  LICENSE_FEE_BPS,
  PRESET,
  PRICE,
  ZERO,
  contentHash,
  ZERO_HASH,
  createFixture,
  metadataDigest,
} from "../test-support/fixture.ts";
import { assertRoleGuarded } from "../test-support/admin.ts";

const f = await createFixture();
const { viem, creator, buyer, buyer2, outsider, admin, treasury, publicClient } = f;
const fee = (price: bigint) => (price * LICENSE_FEE_BPS) / 10_000n;
type D = Awaited<ReturnType<typeof f.load>>;

/** A private offer signed by `signer` for this deployment's Licenses contract. */
async function signOffer(d: D, signer: typeof creator, offer: PrivateOffer) {
  return signPrivateOffer(signer, await publicClient.getChainId(), d.licenses.address, offer);
}

/** The buyer redeems `offer` as the creator signed it, paying its price in ETH (in a token: approved before). */
async function redeem(d: D, offer: PrivateOffer) {
  return d.licenses.write.buyPrivateLicense([offer, await signOffer(d, creator, offer)], {
    account: buyer.account,
    ...(offer.currency === ZERO ? { value: offer.price } : {}),
  });
}

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
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.licenses.write.buyLicense([id, 1n, buyer.account.address, PRICE], {
        account: buyer.account,
        value: PRICE,
      }),
      d.works,
      "OfferSoldOut",
      [id, 1n],
    );
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

describe("Licenses: ERC-20", () => {
  it("sells for a standard ERC-20 and pays out with withdraw", async () => {
    const d = await f.load();
    const { licenses, token } = d;
    const price = parseEther("5");
    const id = await f.mintRoot(d, creator, [
      { termsId: PRESET.commercial, currency: token.address, price, maxSupply: 0 },
    ]);
    await f.mined(token.write.approve([licenses.address, price], { account: buyer.account }));
    await viem.assertions.revertWithCustomErrorWithArgs(
      licenses.write.buyLicense([id, 1n, buyer.account.address, price], {
        account: buyer.account,
        value: 1n,
      }),
      licenses,
      "WrongPayment",
      [0n, 1n],
    );
    await f.mined(
      licenses.write.buyLicense([id, 1n, buyer.account.address, price], { account: buyer.account }),
    );
    assert.equal(await token.read.balanceOf([licenses.address]), price);
    assert.equal(await licenses.read.creditOf([creator.account.address, token.address]), price - fee(price));
    const licenseId = (id << 64n) | (1n << 32n) | 1n;
    assert.equal((await licenses.read.licenseInfo([licenseId])).currency, getAddress(token.address));
    await viem.assertions.emitWithArgs(
      licenses.write.withdraw([token.address], { account: creator.account }),
      licenses,
      "Withdrawn",
      [
        getAddress(creator.account.address),
        getAddress(token.address),
        getAddress(creator.account.address),
        price - fee(price),
      ],
    );
    await f.mined(
      licenses.write.withdrawTo([token.address, outsider.account.address], { account: treasury.account }),
    );
    assert.equal(await token.read.balanceOf([outsider.account.address]), fee(price));
    assert.equal(await token.read.balanceOf([licenses.address]), 0n);
  });

  it("handles an ERC-20 that returns no bool (SafeERC20)", async () => {
    const d = await f.load();
    const { licenses, noBool } = d;
    const price = 1000n;
    const id = await f.mintRoot(d, creator, [
      { termsId: PRESET.commercial, currency: noBool.address, price, maxSupply: 0 },
    ]);
    // Without allowance the token reverts: the purchase reverts too.
    await viem.assertions.revert(
      licenses.write.buyLicense([id, 1n, buyer.account.address, price], { account: buyer.account }),
    );
    await f.mined(noBool.write.approve([licenses.address, price], { account: buyer.account }));
    await f.mined(
      licenses.write.buyLicense([id, 1n, buyer.account.address, price], { account: buyer.account }),
    );
    assert.equal(await noBool.read.balanceOf([licenses.address]), price);
    const before = await noBool.read.balanceOf([creator.account.address]);
    await f.mined(licenses.write.withdraw([noBool.address], { account: creator.account }));
    assert.equal((await noBool.read.balanceOf([creator.account.address])) - before, price - fee(price));
  });

  it("rejects fee-on-transfer tokens", async () => {
    const d = await f.load();
    const { licenses, feeToken } = d;
    const price = 1000n;
    const id = await f.mintRoot(d, creator, [
      { termsId: PRESET.commercial, currency: feeToken.address, price, maxSupply: 0 },
    ]);
    await f.mined(feeToken.write.approve([licenses.address, price], { account: buyer.account }));
    await viem.assertions.revertWithCustomErrorWithArgs(
      licenses.write.buyLicense([id, 1n, buyer.account.address, price], { account: buyer.account }),
      licenses,
      "UnsupportedCurrencyTransfer",
      [getAddress(feeToken.address), price, price - 10n],
    );
  });
});

describe("Licenses: withdrawals", () => {
  it("pays ETH credits once; reverts with nothing to withdraw, zero recipient, or a refusing recipient", async () => {
    const d = await f.load();
    const { licenses } = d;
    const id = await f.mintRoot(d);
    await f.buy(d, id);
    const owed = PRICE - fee(PRICE);
    await viem.assertions.balancesHaveChanged(licenses.write.withdraw([ZERO], { account: creator.account }), [
      { address: creator.account.address, amount: owed },
      { address: licenses.address, amount: -owed },
    ]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      licenses.write.withdraw([ZERO], { account: creator.account }),
      licenses,
      "NothingToWithdraw",
      [getAddress(creator.account.address), ZERO],
    );
    await viem.assertions.revertWithCustomError(
      licenses.write.withdrawTo([ZERO, ZERO], { account: treasury.account }),
      licenses,
      "InvalidRecipient",
    );
    const refuser = await f.deployAttacker();
    await f.mined(refuser.write.configure([4, ZERO, 0n, 0n, 0n])); // RejectEth
    await viem.assertions.revertWithCustomErrorWithArgs(
      licenses.write.withdrawTo([ZERO, refuser.address], { account: treasury.account }),
      licenses,
      "EthTransferFailed",
      [getAddress(refuser.address), fee(PRICE)],
    );
    await f.mined(licenses.write.withdrawTo([ZERO, outsider.account.address], { account: treasury.account }));
    assert.equal(await publicClient.getBalance({ address: licenses.address }), 0n);
  });
});

describe("Licenses: admin", () => {
  it("sets the fee under the hard cap and the treasury (admin only)", async () => {
    const d = await f.load();
    const { licenses } = d;
    assert.equal(await licenses.read.protocolFeeBps(), Number(LICENSE_FEE_BPS));
    assert.equal(await licenses.read.maxProtocolFeeBps(), 1000);
    await viem.assertions.revertWithCustomErrorWithArgs(
      licenses.write.setProtocolFeeBps([1001], { account: admin.account }),
      licenses,
      "ProtocolFeeTooHigh",
      [1001n, 1000n],
    );
    await assertRoleGuarded(f, licenses, (account) => licenses.write.setProtocolFeeBps([1000], { account }), {
      emits: { event: "ProtocolFeeUpdated", args: [Number(LICENSE_FEE_BPS), 1000] },
    });
    await viem.assertions.revertWithCustomError(
      licenses.write.setTreasury([ZERO], { account: admin.account }),
      licenses,
      "InvalidTreasury",
    );
    await assertRoleGuarded(
      f,
      licenses,
      (account) => licenses.write.setTreasury([outsider.account.address], { account }),
      {
        emits: {
          event: "TreasuryUpdated",
          args: [getAddress(treasury.account.address), getAddress(outsider.account.address)],
        },
      },
    );
    const id = await f.mintRoot(d);
    await f.buy(d, id);
    assert.equal(await licenses.read.creditOf([outsider.account.address, ZERO]), PRICE / 10n);
    assert.equal(await licenses.read.creditOf([creator.account.address, ZERO]), PRICE - PRICE / 10n);
  });

  it("constructor rejects a zero admin, zero treasury and a fee above the cap", async () => {
    const d = await f.load();
    const deploy = (admin_: Address, treasury_: Address, feeBps: number) =>
      viem.deployContract("Works", [admin_, d.terms.address, treasury_, feeBps]);
    await assert.rejects(deploy(ZERO, treasury.account.address, 0), /InvalidAdmin/);
    await assert.rejects(deploy(admin.account.address, ZERO, 0), /InvalidTreasury/);
    await assert.rejects(deploy(admin.account.address, treasury.account.address, 1001), /ProtocolFeeTooHigh/);
  });
});

describe("Licenses: private offers (EIP-712)", () => {
  async function privateSetup(d: D) {
    const id = await f.mintRoot(d);
    const deadline = Number(await f.now()) + 3600;
    const offer = {
      workId: id,
      termsId: PRESET.commercial,
      buyer: getAddress(buyer.account.address),
      currency: ZERO,
      price: parseEther("0.5"),
      duration: 30 * 24 * 3600,
      nonce: 7n,
      deadline,
      issuedAt: deadline - 3600,
    };
    return { id, offer, signature: await signOffer(d, creator, offer) };
  }

  it("redeems a signed offer once; the nonce can't be replayed", async () => {
    const d = await f.load();
    const { licenses } = d;
    const { id, offer, signature } = await privateSetup(d);
    const licenseId = (id << 64n) | 1n;
    await viem.assertions.emitWithArgs(
      licenses.write.buyPrivateLicense([offer, signature], { account: buyer.account, value: offer.price }),
      licenses,
      "LicensePurchased",
      [
        licenseId,
        id,
        getAddress(buyer.account.address),
        0n,
        PRESET.commercial,
        ZERO,
        offer.price,
        fee(offer.price),
        getAddress(creator.account.address),
        offer.price - fee(offer.price),
        (e: number) => e > 0,
      ],
    );
    assert.equal(await licenses.read.privateSales([id]), 1n);
    assert.equal(await licenses.read.nonceUsed([creator.account.address, 7n]), true);
    // The consumed nonce is in an event, so an indexer can mark the signed offer redeemed without eth_call.
    const redeemed = await publicClient.getContractEvents({
      address: licenses.address,
      abi: licenses.abi,
      eventName: "PrivateOfferRedeemed",
      fromBlock: 0n,
    });
    assert.equal(redeemed.length, 1);
    assert.deepEqual(redeemed[0]!.args, {
      signer: getAddress(creator.account.address),
      nonce: 7n,
      licenseId,
    });
    const info = await licenses.read.licenseInfo([licenseId]);
    assert.equal(info.offerId, 0n);
    assert.equal(info.expiry - info.start, offer.duration);
    assert.equal(await licenses.read.isLicensed([id, buyer.account.address, true]), true);
    await viem.assertions.revertWithCustomErrorWithArgs(
      licenses.write.buyPrivateLicense([offer, signature], { account: buyer.account, value: offer.price }),
      licenses,
      "NonceAlreadyUsed",
      [getAddress(creator.account.address), 7n],
    );
  });

  it("rejects a private offer whose duration would overflow the license expiry", async () => {
    const d = await f.load();
    const { licenses } = d;
    const { offer } = await privateSetup(d);
    const long = { ...offer, duration: 2 ** 40 - 1 };
    await viem.assertions.revertWithCustomErrorWithArgs(redeem(d, long), licenses, "DurationTooLong", [
      2n ** 40n - 1n,
      BigInt(1000 * 365 * 24 * 3600),
    ]);
  });

  it("reverts on a wrong buyer, an expired offer, a bad signature, a cancelled nonce, wrong payment", async () => {
    const d = await f.load();
    const { licenses } = d;
    const { offer, signature } = await privateSetup(d);
    await viem.assertions.revertWithCustomErrorWithArgs(
      licenses.write.buyPrivateLicense([offer, signature], { account: buyer2.account, value: offer.price }),
      licenses,
      "NotOfferBuyer",
      [getAddress(buyer.account.address), getAddress(buyer2.account.address)],
    );
    await viem.assertions.revertWithCustomError(
      licenses.write.buyPrivateLicense([{ ...offer, price: 1n }, signature], {
        account: buyer.account,
        value: 1n,
      }),
      licenses,
      "InvalidSignature",
    );
    const forged = await signOffer(d, outsider, offer);
    await viem.assertions.revertWithCustomError(
      licenses.write.buyPrivateLicense([offer, forged], { account: buyer.account, value: offer.price }),
      licenses,
      "InvalidSignature",
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      licenses.write.buyPrivateLicense([offer, signature], { account: buyer.account, value: 1n }),
      licenses,
      "WrongPayment",
      [offer.price, 1n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      licenses.write.buyPrivateLicense([{ ...offer, termsId: 99 }, signature], { account: buyer.account }),
      d.terms,
      "UnknownTerms",
      [99],
    );
    await viem.assertions.emitWithArgs(
      licenses.write.cancelPrivateOffer([7n], { account: creator.account }),
      licenses,
      "PrivateOfferCancelled",
      [getAddress(creator.account.address), 7n],
    );
    await viem.assertions.revertWithCustomError(
      licenses.write.cancelPrivateOffer([7n], { account: creator.account }),
      licenses,
      "NonceAlreadyUsed",
    );
    await viem.assertions.revertWithCustomError(
      licenses.write.buyPrivateLicense([offer, signature], { account: buyer.account, value: offer.price }),
      licenses,
      "NonceAlreadyUsed",
    );
    const later = { ...offer, nonce: 8n };
    const sig8 = await signOffer(d, creator, later);
    await f.networkHelpers.time.increase(3601);
    await viem.assertions.revertWithCustomErrorWithArgs(
      licenses.write.buyPrivateLicense([later, sig8], { account: buyer.account, value: offer.price }),
      licenses,
      "OfferExpired",
      [BigInt(offer.deadline)],
    );
  });

  it("accepts an offer signed for an ERC-1271 smart-wallet owner", async () => {
    const d = await f.load();
    const { licenses, works } = d;
    const wallet = await f.deploySmartWallet(creator.account.address);
    const mint = encodeFunctionData({
      abi: works.abi,
      functionName: "mintWork",
      args: [contentHash(), metadataDigest(), ZERO_HASH, 0n, 0, [], []],
    });
    await f.mined(wallet.write.exec([works.address, 0n, mint], { account: creator.account }));
    const id = await works.read.workCount();
    assert.equal(await works.read.ownerOf([id]), getAddress(wallet.address));
    const offer = {
      workId: id,
      termsId: PRESET.personal,
      buyer: getAddress(buyer.account.address),
      currency: ZERO,
      price: 1000n,
      duration: 0,
      nonce: 1n,
      deadline: Number(await f.now()) + 600,
      issuedAt: Number(await f.now()),
    };
    const signature = await signOffer(d, creator, offer); // the wallet's owner signs for it
    await f.mined(
      licenses.write.buyPrivateLicense([offer, signature], { account: buyer.account, value: 1000n }),
    );
    assert.equal(await licenses.read.creditOf([wallet.address, ZERO]), 1000n - fee(1000n));
    assert.equal(await licenses.read.nonceUsed([wallet.address, 1n]), true);
    const forged = await signOffer(d, buyer, { ...offer, nonce: 2n });
    await viem.assertions.revertWithCustomError(
      licenses.write.buyPrivateLicense([{ ...offer, nonce: 2n }, forged], {
        account: buyer.account,
        value: 1000n,
      }),
      licenses,
      "InvalidSignature",
    );
  });

  it("a transfer of the work voids the previous owner's signed offers", async () => {
    const d = await f.load();
    const { offer, signature, id } = await privateSetup(d);
    await f.mined(
      d.works.write.transferFrom([creator.account.address, buyer2.account.address, id], {
        account: creator.account,
      }),
    );
    await viem.assertions.revertWithCustomError(
      d.licenses.write.buyPrivateLicense([offer, signature], { account: buyer.account, value: offer.price }),
      d.licenses,
      "OfferPredatesOwnership",
    );
    // Even an offer the new owner never signed fails on the signature.
    const unsigned = { ...offer, issuedAt: Number(await d.works.read.ownerSince([id])) };
    await viem.assertions.revertWithCustomError(
      d.licenses.write.buyPrivateLicense([unsigned, signature], {
        account: buyer.account,
        value: offer.price,
      }),
      d.licenses,
      "InvalidSignature",
    );
    // ...and they stay void when the work comes back to its signer (no revival of stale offers).
    await f.mined(
      d.works.write.transferFrom([buyer2.account.address, creator.account.address, id], {
        account: buyer2.account,
      }),
    );
    const since = await d.works.read.ownerSince([id]);
    assert.ok(since > BigInt(offer.issuedAt));
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.licenses.write.buyPrivateLicense([offer, signature], { account: buyer.account, value: offer.price }),
      d.licenses,
      "OfferPredatesOwnership",
      [BigInt(offer.issuedAt), since],
    );
    // An offer the owner issues after getting the work back is good.
    const fresh = { ...offer, nonce: 70n, issuedAt: Number(since) };
    await f.mined(redeem(d, fresh));
  });

  it("refuses private offers issued in the future and currencies off the allow-list", async () => {
    const d = await f.load();
    const { licenses } = d;
    const { offer } = await privateSetup(d);
    const now = Number(await f.now());
    // issuedAt after the next owner change would keep the offer alive across it.
    const future = { ...offer, issuedAt: now + 3600 };
    await viem.assertions.revertWithCustomErrorWithArgs(redeem(d, future), licenses, "OfferIssuedInFuture", [
      BigInt(now + 3600),
    ]);
    const unlisted = await f.deployErc20("MockERC20");
    const p = { ...offer, currency: unlisted.address, nonce: 99n };
    await viem.assertions.revertWithCustomErrorWithArgs(redeem(d, p), licenses, "CurrencyNotAllowed", [
      getAddress(unlisted.address),
    ]);
  });

  it("exclusive private offers respect prior sales both ways; flagged works sell nothing", async () => {
    const d = await f.load();
    const { licenses, works } = d;
    const { id, offer, signature } = await privateSetup(d);
    await f.mined(
      licenses.write.buyPrivateLicense([offer, signature], { account: buyer.account, value: offer.price }),
    );
    const excl = { ...offer, termsId: PRESET.exclusiveBuyout, nonce: 9n };
    await viem.assertions.revertWithCustomErrorWithArgs(redeem(d, excl), licenses, "LicensesAlreadySold", [
      id,
    ]);
    // A public exclusive offer after a private sale (on a work without public offers).
    const bare = await f.mintRoot(d, creator, []);
    const pb = { ...offer, workId: bare, nonce: 20n };
    await f.mined(redeem(d, pb));
    await f.mined(
      works.write.addOffers(
        [bare, [{ termsId: PRESET.exclusiveBuyout, currency: ZERO, price: PRICE, maxSupply: 1 }]],
        {
          account: creator.account,
        },
      ),
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      licenses.write.buyLicense([bare, 1n, buyer.account.address, PRICE], {
        account: buyer.account,
        value: PRICE,
      }),
      licenses,
      "LicensesAlreadySold",
      [bare],
    );
    // A private exclusive offer on a fresh work, then nothing else sells.
    const fresh = await f.mintRoot(d);
    const ex2 = { ...offer, workId: fresh, termsId: PRESET.exclusiveBuyout, nonce: 10n };
    await f.mined(redeem(d, ex2));
    await viem.assertions.revertWithCustomError(
      licenses.write.buyLicense([fresh, 1n, buyer.account.address, PRICE], {
        account: buyer.account,
        value: PRICE,
      }),
      works,
      "ExclusiveAlreadySold",
    );
    // A flagged work: private offers fail too.
    const third = await f.mintRoot(d);
    const p3 = { ...offer, workId: third, nonce: 11n };
    await f.mined(works.write.setFlagged([third, true, "x"], { account: admin.account }));
    await viem.assertions.revertWithCustomError(redeem(d, p3), works, "WorkIsFlagged");
    // An ERC-20 private offer records its currency.
    const p4 = { ...offer, workId: id, currency: d.token.address, nonce: 12n, price: 100n };
    await f.mined(d.token.write.approve([licenses.address, 100n], { account: buyer.account }));
    await f.mined(redeem(d, p4));
    assert.equal((await licenses.read.licenseInfo([(id << 64n) | 2n])).currency, getAddress(d.token.address));
  });
});

describe("Licenses: views for the dApp", () => {
  it("isLicensedFor checks every required right and says why not", async () => {
    const d = await f.load();
    const { licenses } = d;
    const id = await f.mintRoot(d, creator, [
      { termsId: PRESET.commercial, currency: ZERO, price: PRICE, maxSupply: 0 },
      { termsId: PRESET.commercialRemix, currency: ZERO, price: PRICE, maxSupply: 0 },
    ]);
    const COMMERCIAL = 1;
    const DERIVATIVES = 2;
    const AI = 8;
    const check = (account: Address, flags: number) => licenses.read.isLicensedFor([id, account, flags]);
    assert.deepEqual(await check(buyer.account.address, COMMERCIAL), [false, 0n, 1]); // none held
    const commercialOnly = await f.buy(d, id, 1n, buyer);
    assert.deepEqual(await check(buyer.account.address, COMMERCIAL), [true, commercialOnly, 0]);
    assert.deepEqual(await check(buyer.account.address, COMMERCIAL | DERIVATIVES), [false, 0n, 3]);
    const remix = await f.buy(d, id, 2n, buyer);
    assert.deepEqual(await check(buyer.account.address, COMMERCIAL | DERIVATIVES), [true, remix, 0]);
    assert.deepEqual(await check(buyer.account.address, AI), [false, 0n, 3]);
    await f.networkHelpers.time.increase(366 * 24 * 3600);
    assert.deepEqual(await check(buyer.account.address, COMMERCIAL), [false, 0n, 2]); // all expired
    assert.deepEqual(await check(ZERO, 0), [false, 0n, 1]);
  });

  it("tokenURI is metadata JSON naming the work, terms, licensee, expiry and legal text", async () => {
    const d = await f.load();
    const { licenses, terms } = d;
    const id = await f.mintRoot(d);
    const licenseId = await f.buy(d, id, 1n, buyer2);
    const uri = await licenses.read.tokenURI([licenseId]);
    assert.ok(uri.startsWith("data:application/json;base64,"));
    const json = JSON.parse(Buffer.from(uri.slice(29), "base64").toString("utf8"));
    const info = await licenses.read.licenseInfo([licenseId]);
    assert.equal(json.name, `Atelier licence ${licenseId} of work ${id}`);
    assert.equal(json.external_url, (await terms.read.getTerms([PRESET.commercialRemix])).legalTextUri);
    assert.deepEqual(json.license, {
      licenseId: licenseId.toString(),
      workId: id.toString(),
      works: getAddress(d.works.address),
      offerId: 1,
      licensee: getAddress(buyer2.account.address),
      termsId: PRESET.commercialRemix,
      termsFlags: info.termsFlags,
      start: info.start,
      expiry: info.expiry,
      price: PRICE.toString(),
      currency: ZERO,
      legalTextUri: json.external_url,
    });
    assert.ok(
      json.attributes.some(
        (a: { trait_type: string; value: string }) => a.trait_type === "derivatives" && a.value === "yes",
      ),
    );
  });
});

describe("Licenses: derivative revenue", () => {
  it("splits a derivative's sale up a two-level parent chain", async () => {
    const d = await f.load();
    const { licenses, works } = d;
    // root (creator) ← child (buyer, licensed, 10%) ← grandchild (buyer2, licensed, 10%)
    const root = await f.mintRoot(d, creator);
    const rootLicense = await f.buy(d, root, 1n, buyer);
    await f.mined(
      f.mintUpload(d, {
        account: buyer,
        parents: [{ workId: root, licenseId: rootLicense }],
        offers: [{ termsId: PRESET.commercialRemix, currency: ZERO, price: PRICE, maxSupply: 0 }],
      }),
    );
    const child = await works.read.workCount();
    const childLicense = await f.buy(d, child, 1n, buyer2);
    await f.mined(
      f.mintUpload(d, {
        account: buyer2,
        parents: [{ workId: child, licenseId: childLicense }],
        offers: [{ termsId: PRESET.commercial, currency: ZERO, price: parseEther("1"), maxSupply: 0 }],
      }),
    );
    const grandchild = await works.read.workCount();
    const credit = async (a: Address) => licenses.read.creditOf([a, ZERO]);
    const before = [
      await credit(creator.account.address),
      await credit(buyer.account.address),
      await credit(buyer2.account.address),
    ];
    const price = parseEther("1");
    const tx = licenses.write.buyLicense([grandchild, 1n, outsider.account.address, price], {
      account: outsider.account,
      value: price,
    });
    const net = price - fee(price); // 0.975
    const toChild = net / 10n; // 0.0975 of which the root gets 10%
    const toRoot = toChild / 10n;
    await viem.assertions.emitWithArgs(tx, licenses, "RevenueShared", [
      (grandchild << 64n) | (1n << 32n) | 1n,
      root,
      getAddress(creator.account.address),
      ZERO,
      toRoot,
    ]);
    // The purchase event comes before the revenue shares of the same purchase.
    const receipt = await publicClient.getTransactionReceipt({ hash: await tx });
    const names = parseEventLogs({ abi: licenses.abi, logs: receipt.logs }).map((l) => l.eventName);
    assert.deepEqual(names, ["LicensePurchased", "RevenueShared", "RevenueShared", "Locked", "Transfer"]);
    const after = [
      await credit(creator.account.address),
      await credit(buyer.account.address),
      await credit(buyer2.account.address),
    ];
    const delta = (i: number) => (after[i] ?? 0n) - (before[i] ?? 0n);
    assert.equal(delta(0), toRoot);
    assert.equal(delta(1), toChild - toRoot);
    assert.equal(delta(2), net - toChild);
    assert.equal(await credit(treasury.account.address), fee(PRICE) * 2n + fee(price));
    // Every wei is accounted for.
    const sum = after.reduce((a, b) => a + b, 0n) + (await credit(treasury.account.address));
    assert.equal(sum, await publicClient.getBalance({ address: licenses.address }));
  });
});
