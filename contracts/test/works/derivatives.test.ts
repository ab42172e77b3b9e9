import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress } from "viem";
import { PRESET, PRICE, ZERO, createFixture } from "../../test-support/fixture.ts";
import { TERMS_PRESETS } from "../../ignition/modules/Atelier.ts";

const f = await createFixture();
const { viem, creator, buyer, buyer2 } = f;

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
