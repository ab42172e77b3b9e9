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
} from "../../test-support/fixture.ts";

const f = await createFixture();
const { viem, creator, buyer, outsider } = f;

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
