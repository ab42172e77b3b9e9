import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, parseEther } from "viem";
import { PRESET, createFixture } from "../../test-support/fixture.ts";
import { licenseFee as fee } from "../../test-support/licenses.ts";

const f = await createFixture();
const { viem, creator, buyer, outsider, treasury } = f;

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
