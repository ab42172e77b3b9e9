import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, type Address } from "viem";
import { LICENSE_FEE_BPS, PRICE, ZERO, createFixture } from "../../test-support/fixture.ts";
import { assertRoleGuarded } from "../../test-support/admin.ts";

const f = await createFixture();
const { viem, creator, outsider, admin, treasury } = f;

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
