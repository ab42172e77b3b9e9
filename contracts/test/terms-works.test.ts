import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, keccak256, toHex } from "viem";
import {
  GENERATED_FLAG,
  PRESET,
  PRICE,
  ZERO,
  cidV1RawSha256,
  contentHash,
  ZERO_HASH,
  createFixture,
  metadataDigest,
  uploadWatermarkIdOf,
} from "../test-support/fixture.ts";
import { assertRoleGuarded } from "../test-support/admin.ts";

import { TERMS_PRESETS } from "../ignition/modules/Atelier.ts";

const f = await createFixture();
const { viem, creator, buyer, buyer2, outsider, admin } = f;

// the personal preset as deployed: @atelier/protocol's table plus the raw-leaf CIDv1 of
// contracts/terms/personal/v1.md (recomputed from the file in ignition.test.ts)
const personal = TERMS_PRESETS.personal;

describe("LicenseTerms", () => {
  it("registers the five presets at deployment, in order", async () => {
    const { terms } = await f.load();
    assert.equal(await terms.read.termsCount(), 5);
    assert.deepEqual(await terms.read.getTerms([PRESET.personal]), personal);
    const remix = await terms.read.getTerms([PRESET.commercialRemix]);
    assert.equal(remix.derivativesAllowed, true);
    assert.equal(remix.derivativeShareBps, 1000);
    assert.equal((await terms.read.getTerms([PRESET.exclusiveBuyout])).exclusive, true);
    assert.equal((await terms.read.getTerms([PRESET.aiTraining])).aiTrainingAllowed, true);
    const [flags, duration, share] = await terms.read.termsCore([PRESET.commercialRemix]);
    assert.equal(flags, 1 | 2 | 4);
    assert.equal(duration, 365 * 24 * 3600);
    assert.equal(share, 1000);
  });

  it("deduplicates identical terms by hash and emits once", async () => {
    const { terms } = await f.load();
    const custom = { ...personal, duration: 7 * 24 * 3600, legalTextUri: "ipfs://custom" };
    const hash = await terms.write.registerTerms([custom], { account: outsider.account });
    await viem.assertions.emitWithArgs(hash, terms, "TermsRegistered", [
      6,
      await terms.read.hashTerms([custom]),
      getAddress(outsider.account.address),
      custom,
      4,
    ]);
    const again = await f.mined(terms.write.registerTerms([custom]));
    assert.equal(again.logs.length, 0);
    assert.equal(await terms.read.termsCount(), 6);
    assert.equal(await terms.read.termsIdByHash([await terms.read.hashTerms([custom])]), 6);
    assert.equal(await terms.read.exists([6]), true);
    assert.equal(await terms.read.exists([7]), false);
  });

  it("rejects unknown ids and invalid shares", async () => {
    const { terms } = await f.load();
    await viem.assertions.revertWithCustomErrorWithArgs(
      terms.read.termsCore([99]),
      terms,
      "UnknownTerms",
      [99],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(terms.read.getTerms([0]), terms, "UnknownTerms", [0]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      terms.write.registerTerms([{ ...personal, derivativesAllowed: true, derivativeShareBps: 5001 }]),
      terms,
      "DerivativeShareTooHigh",
      [5001n, 5000n],
    );
    await viem.assertions.revertWithCustomError(
      terms.write.registerTerms([{ ...personal, derivativeShareBps: 100 }]),
      terms,
      "ShareWithoutDerivatives",
    );
    // A near-max duration would overflow the uint40 expiry at every sale: rejected at registration.
    const maxDuration = 1000 * 365 * 24 * 3600;
    await viem.assertions.revertWithCustomErrorWithArgs(
      terms.write.registerTerms([{ ...personal, duration: 2 ** 40 - 1 }]),
      terms,
      "DurationTooLong",
      [2n ** 40n - 1n, BigInt(maxDuration)],
    );
    await f.mined(terms.write.registerTerms([{ ...personal, duration: maxDuration }]));
  });
});

describe("Works: uploads", () => {
  it("mints a root work with its offer, indexes and events", async () => {
    const d = await f.load();
    const { works } = d;
    const hash = contentHash();
    const digest = metadataDigest();
    const offer = { termsId: PRESET.commercial, currency: ZERO, price: PRICE, maxSupply: 3 };
    const salt = keccak256(toHex("salt"));
    const watermarkId = uploadWatermarkIdOf(creator.account.address, salt);
    assert.equal(BigInt(await works.read.uploadWatermarkId([creator.account.address, salt])), watermarkId);
    const tx = works.write.mintWork([hash, digest, salt, 0xabcdefn, 750, [], [offer]], {
      account: creator.account,
    });
    await viem.assertions.emitWithArgs(tx, works, "WorkMinted", [
      1n,
      getAddress(creator.account.address),
      hash,
      digest,
      watermarkId,
      0xabcdefn,
      750,
      0n,
      [],
      [],
      [],
    ]);
    assert.equal(await works.read.workCount(), 1n);
    assert.equal(await works.read.ownerOf([1n]), getAddress(creator.account.address));
    assert.equal(await works.read.workByContentHash([hash]), 1n);
    assert.equal(await works.read.workByWatermark([watermarkId]), 1n);
    assert.equal(await works.read.workByWatermark([0n]), 0n);
    assert.equal(await works.read.metadataDigestOf([1n]), digest);
    assert.equal(await works.read.tokenURI([1n]), `ipfs://${cidV1RawSha256(digest)}`);
    assert.match(await works.read.tokenURI([1n]), /^ipfs:\/\/bafkrei[a-z2-7]{52}$/);
    const [receiver, royalty] = await works.read.royaltyInfo([1n, 10_000n]);
    assert.equal(receiver, getAddress(creator.account.address));
    assert.equal(royalty, 750n);
    const info = await works.read.workInfo([1n]);
    assert.equal(info.creator, getAddress(creator.account.address));
    assert.equal(info.generated, false);
    assert.equal(info.offerCount, 1);
    assert.equal(info.depth, 0);
    assert.equal(info.jobId, 0n);
    const o = await works.read.offerInfo([1n, 1n]);
    assert.equal(o.termsId, PRESET.commercial);
    assert.equal(o.price, PRICE);
    assert.equal(o.maxSupply, 3);
    assert.equal(o.active, true);
    assert.equal(o.duration, 365 * 24 * 3600);
  });

  it("supports ERC-721, ERC-2981, ERC-4906 and AccessControl interfaces", async () => {
    const { works, licenses } = await f.load();
    for (const id of [
      "0x80ac58cd",
      "0x5b5e139f",
      "0x2a55205a",
      "0x49064906",
      "0x7965db0b",
      "0x01ffc9a7",
    ] as const) {
      assert.equal(await works.read.supportsInterface([id]), true, id);
    }
    assert.equal(await works.read.supportsInterface(["0xdeadbeef"]), false);
    assert.equal(await licenses.read.supportsInterface(["0xb45a3c0e"]), true); // ERC-5192
    assert.equal(await licenses.read.supportsInterface(["0x80ac58cd"]), true);
  });

  it("reverts on invalid uploads", async () => {
    const d = await f.load();
    const { works } = d;
    const c = { account: creator.account };
    const h = contentHash();
    await viem.assertions.revertWithCustomError(
      works.write.mintWork([`0x${"00".repeat(32)}`, metadataDigest(), ZERO_HASH, 0n, 0, [], []], c),
      works,
      "InvalidContentHash",
    );
    await viem.assertions.revertWithCustomError(
      works.write.mintWork([h, `0x${"00".repeat(32)}`, ZERO_HASH, 0n, 0, [], []], c),
      works,
      "InvalidMetadataDigest",
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      works.write.mintWork([h, metadataDigest(), ZERO_HASH, 0n, 1001, [], []], c),
      works,
      "RoyaltyTooHigh",
      [1001n, 1000n],
    );
    const salt = keccak256(toHex("seven"));
    await f.mined(works.write.mintWork([h, metadataDigest(), salt, 0n, 0, [], []], c));
    await viem.assertions.revertWithCustomErrorWithArgs(
      works.write.mintWork([h, metadataDigest(), ZERO_HASH, 0n, 0, [], []], { account: buyer.account }),
      works,
      "DuplicateContentHash",
      [h, 1n],
    );
    const id = uploadWatermarkIdOf(creator.account.address, salt);
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.mintUpload(d, { watermarkSalt: salt }),
      works,
      "DuplicateWatermarkId",
      [id, 1n],
    );
    // Another account using the same salt gets another id: nobody can take a creator's watermark id.
    await f.mined(f.mintUpload(d, { account: buyer, watermarkSalt: salt }));
    const other = uploadWatermarkIdOf(buyer.account.address, salt);
    assert.notEqual(other, id);
    assert.equal(await works.read.workByWatermark([other]), 2n);
    assert.equal(await works.read.workByWatermark([id]), 1n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.mintUpload(d, { offers: [{ termsId: 77, currency: ZERO, price: 1n, maxSupply: 0 }] }),
      d.terms,
      "UnknownTerms",
      [77],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.mintUpload(d, {
        offers: [{ termsId: 1, currency: outsider.account.address, price: 1n, maxSupply: 0 }],
      }),
      works,
      "CurrencyNotAllowed",
      [getAddress(outsider.account.address)],
    );
    const many = Array.from({ length: 33 }, () => ({ termsId: 1, currency: ZERO, price: 1n, maxSupply: 0 }));
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.mintUpload(d, { offers: many }),
      works,
      "TooManyOffers",
      [33n, 32n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(works.read.workInfo([9n]), works, "UnknownWork", [
      9n,
    ]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      works.read.tokenURI([9n]),
      works,
      "ERC721NonexistentToken",
      [9n],
    );
  });

  it("lets the owner add offers, pause one offer and pause all sales; others may not", async () => {
    const d = await f.load();
    const { works, licenses } = d;
    const id = await f.mintRoot(d);
    const more = [{ termsId: PRESET.personal, currency: d.token.address, price: 5n, maxSupply: 0 }];
    await viem.assertions.emitWithArgs(
      works.write.addOffers([id, more], { account: creator.account }),
      works,
      "OfferAdded",
      [id, 2n, PRESET.personal, getAddress(d.token.address), 5n, 0, 0, 4],
    );
    assert.equal(await works.read.offerCount([id]), 2n);
    assert.equal(await works.read.offerCurrency([id, 2n]), getAddress(d.token.address));
    await viem.assertions.revertWithCustomErrorWithArgs(
      works.write.addOffers([id, more], { account: outsider.account }),
      works,
      "NotWorkOwner",
      [id, getAddress(outsider.account.address)],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      works.write.addOffers([99n, more], { account: creator.account }),
      works,
      "UnknownWork",
      [99n],
    );
    await viem.assertions.emitWithArgs(
      works.write.setOfferActive([id, 1n, false], { account: creator.account }),
      works,
      "OfferActiveSet",
      [id, 1n, false],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      licenses.write.buyLicense([id, 1n, buyer.account.address, PRICE], {
        account: buyer.account,
        value: PRICE,
      }),
      works,
      "OfferInactive",
      [id, 1n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      works.write.setOfferActive([id, 3n, true], { account: creator.account }),
      works,
      "UnknownOffer",
      [id, 3n],
    );
    await viem.assertions.revertWithCustomError(
      works.write.setOfferActive([id, 1n, true], { account: outsider.account }),
      works,
      "NotWorkOwner",
    );
    await f.mined(works.write.setOfferActive([id, 1n, true], { account: creator.account }));
    await viem.assertions.emitWithArgs(
      works.write.setSalesPaused([id, true], { account: creator.account }),
      works,
      "SalesPausedSet",
      [id, true],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      licenses.write.buyLicense([id, 1n, buyer.account.address, PRICE], {
        account: buyer.account,
        value: PRICE,
      }),
      works,
      "SalesPaused",
      [id],
    );
    await viem.assertions.revertWithCustomError(
      works.write.setSalesPaused([id, false], { account: outsider.account }),
      works,
      "NotWorkOwner",
    );
    await f.mined(works.write.setSalesPaused([id, false], { account: creator.account }));
    await f.buy(d, id);
    // A new owner controls the offers and is paid.
    await f.mined(
      works.write.transferFrom([creator.account.address, buyer2.account.address, id], {
        account: creator.account,
      }),
    );
    await viem.assertions.revertWithCustomError(
      works.write.setSalesPaused([id, true], { account: creator.account }),
      works,
      "NotWorkOwner",
    );
    await f.buy(d, id, 1n, buyer);
    assert.equal(
      await licenses.read.creditOf([buyer2.account.address, ZERO]),
      PRICE - (PRICE * 250n) / 10_000n,
    );
    // Royalties stay with the creator.
    assert.equal((await works.read.royaltyInfo([id, 100n]))[0], getAddress(creator.account.address));
  });

  it("an arbiter flags a work: no sales, no derivatives, visible on chain, ERC-4906 event", async () => {
    const d = await f.load();
    const { works, licenses } = d;
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
    await viem.assertions.revertWithCustomErrorWithArgs(
      licenses.write.buyLicense([id, 1n, buyer.account.address, PRICE], {
        account: buyer.account,
        value: PRICE,
      }),
      works,
      "WorkIsFlagged",
      [id],
    );
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

describe("Works: derivatives", () => {
  it("mints a derivative of an owned parent (no share) and of a licensed parent (terms' share)", async () => {
    const d = await f.load();
    const { works } = d;
    const own = await f.mintRoot(d, buyer);
    const licensed = await f.mintRoot(d, creator);
    const licenseId = await f.buy(d, licensed);
    const parents = [
      { workId: own, licenseId: 0n },
      { workId: licensed, licenseId },
    ];
    const tx = f.mintUpload(d, { account: buyer, parents });
    await viem.assertions.emitWithArgs(tx, works, "WorkMinted", [
      3n,
      getAddress(buyer.account.address),
      (h: string) => h.length === 66,
      (h: string) => h.length === 66,
      0n,
      0n,
      0,
      0n,
      [own, licensed],
      [0n, licenseId],
      [0, 1000],
    ]);
    const info = await works.read.workInfo([3n]);
    assert.deepEqual(info.parentIds, [own, licensed]);
    assert.deepEqual(info.parentShareBps, [0, 1000]);
    assert.equal(info.depth, 1);
    // revenueSplit: the licensed parent gets 10%, the derivative's owner the rest.
    const split = await works.read.revenueSplit([3n, 1000n]);
    assert.deepEqual(
      split.map((p) => [p.workId, p.payee, p.amount]),
      [
        [licensed, getAddress(creator.account.address), 100n],
        [3n, getAddress(buyer.account.address), 900n],
      ],
    );
  });

  it("reverts on bad parents", async () => {
    const d = await f.load();
    const { works } = d;
    const a = await f.mintRoot(d, creator);
    const personalWork = await f.mintRoot(d, creator, [
      { termsId: PRESET.personal, currency: ZERO, price: PRICE, maxSupply: 0 },
    ]);
    const personalLicense = await f.buy(d, personalWork);
    const mint = (parents: { workId: bigint; licenseId: bigint }[], account = buyer) =>
      f.mintUpload(d, { account, parents });
    await viem.assertions.revertWithCustomErrorWithArgs(
      mint([{ workId: 99n, licenseId: 0n }]),
      works,
      "UnknownParent",
      [99n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      mint([{ workId: a, licenseId: 0n }]),
      works,
      "UnlicensedParent",
      [a, 0n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      mint([{ workId: personalWork, licenseId: personalLicense }]),
      works,
      "UnlicensedParent",
      [personalWork, personalLicense],
    );
    const remixLicense = await f.buy(d, a);
    // A license of another work, or held by someone else, does not count.
    await viem.assertions.revertWithCustomError(
      mint([{ workId: personalWork, licenseId: remixLicense }]),
      works,
      "UnlicensedParent",
    );
    await viem.assertions.revertWithCustomError(
      mint([{ workId: a, licenseId: remixLicense }], buyer2),
      works,
      "UnlicensedParent",
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      mint([
        { workId: a, licenseId: remixLicense },
        { workId: a, licenseId: remixLicense },
      ]),
      works,
      "DuplicateParent",
      [a],
    );
    const five = Array.from({ length: 5 }, () => ({ workId: a, licenseId: remixLicense }));
    await viem.assertions.revertWithCustomErrorWithArgs(mint(five), works, "TooManyParents", [5n, 4n]);
    // The license expires after a year.
    await f.networkHelpers.time.increase(366 * 24 * 3600);
    await viem.assertions.revertWithCustomError(
      mint([{ workId: a, licenseId: remixLicense }]),
      works,
      "UnlicensedParent",
    );
  });

  it("bounds the depth of a chain and the number of ancestor paths", async () => {
    const d = await f.load();
    const { works } = d;
    // A chain owned by one creator: root, then 8 generations (depth 8 is the maximum).
    let parent = await f.mintRoot(d, creator, []);
    const mintChild = (parents: bigint[]) =>
      f.mintUpload(d, { parents: parents.map((workId) => ({ workId, licenseId: 0n })) });
    for (let depth = 1; depth <= 8; depth++) {
      await f.mined(mintChild([parent]));
      parent = await works.read.workCount();
      assert.equal((await works.read.workInfo([parent])).depth, depth);
    }
    await viem.assertions.revertWithCustomErrorWithArgs(mintChild([parent]), works, "LineageTooDeep", [
      9n,
      8n,
    ]);
    // Paths: four roots → work with 4 paths; two of those → 2·(1+4) = 10; adding more exceeds 16.
    const roots: [bigint, bigint, bigint, bigint] = [
      await f.mintRoot(d, creator, []),
      await f.mintRoot(d, creator, []),
      await f.mintRoot(d, creator, []),
      await f.mintRoot(d, creator, []),
    ];
    await f.mined(mintChild(roots));
    const four = await works.read.workCount();
    await f.mined(mintChild([four, roots[0]]));
    const six = await works.read.workCount(); // (1+4) + (1+0) = 6 paths
    await f.mined(mintChild([six, roots[1]]));
    const eight = await works.read.workCount(); // (1+6) + 1 = 8 paths
    await viem.assertions.revertWithCustomErrorWithArgs(
      mintChild([eight, six, roots[2]]),
      works,
      "TooManyAncestors",
      [17n, 16n],
    );
    await f.mined(mintChild([eight, roots[2], roots[3]])); // 9 + 1 + 1 = 11
  });

  it("rejects parent shares above 100%", async () => {
    const d = await f.load();
    const { works, terms } = d;
    await f.mined(
      terms.write.registerTerms([
        { ...TERMS_PRESETS.commercialRemix, duration: 0, derivativeShareBps: 5000, legalTextUri: "" },
      ]),
    );
    const half = { termsId: 6, currency: ZERO, price: PRICE, maxSupply: 0 };
    const parents: { workId: bigint; licenseId: bigint }[] = [];
    for (let i = 0; i < 3; i++) {
      const workId = await f.mintRoot(d, creator, [half]);
      parents.push({ workId, licenseId: await f.buy(d, workId) });
    }
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.mintUpload(d, { account: buyer, parents }),
      works,
      "ParentSharesTooHigh",
      [15000n],
    );
  });
});

describe("Works: lookups", () => {
  it("resolves generated watermark ids through the market, and unknown ids to 0", async () => {
    const { works } = await f.load();
    assert.equal(await works.read.workByWatermark([GENERATED_FLAG | 5n]), 0n);
    assert.equal(await works.read.workByWatermark([GENERATED_FLAG << 1n]), 0n);
    assert.equal(await works.read.workByWatermark([123n]), 0n);
    assert.equal(await works.read.exists([1n]), false);
    assert.equal(await works.read.workByContentHash([keccak256(toHex("nothing"))]), 0n);
  });
});
