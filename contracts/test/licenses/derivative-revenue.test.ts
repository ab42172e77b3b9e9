import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, parseEther, parseEventLogs, type Address } from "viem";
import { PRESET, PRICE, ZERO, createFixture } from "../../test-support/fixture.ts";
import { licenseFee as fee } from "../../test-support/licenses.ts";

const f = await createFixture();
const { viem, creator, buyer, buyer2, outsider, treasury, publicClient } = f;

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
