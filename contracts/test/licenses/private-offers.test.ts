import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeFunctionData, getAddress, parseEther } from "viem";
import {
  PRESET,
  PRICE,
  ZERO,
  contentHash,
  ZERO_HASH,
  createFixture,
  metadataDigest,
} from "../../test-support/fixture.ts";
import { licenseFee as fee, licenseTools, type Deployed as D } from "../../test-support/licenses.ts";

const f = await createFixture();
const { viem, creator, buyer, buyer2, outsider, admin, publicClient } = f;
const { signOffer, redeem } = licenseTools(f);

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
    await viem.assertions.revertWithCustomErrorWithArgs(f.buyTx(d, bare), licenses, "LicensesAlreadySold", [
      bare,
    ]);
    // A private exclusive offer on a fresh work, then nothing else sells.
    const fresh = await f.mintRoot(d);
    const ex2 = { ...offer, workId: fresh, termsId: PRESET.exclusiveBuyout, nonce: 10n };
    await f.mined(redeem(d, ex2));
    await viem.assertions.revertWithCustomError(f.buyTx(d, fresh), works, "ExclusiveAlreadySold");
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
