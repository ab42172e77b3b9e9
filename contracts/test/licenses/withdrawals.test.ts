import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress } from "viem";
import { PRICE, ZERO, createFixture } from "../../test-support/fixture.ts";
import { licenseFee as fee } from "../../test-support/licenses.ts";

const f = await createFixture();
const { viem, creator, outsider, treasury, publicClient } = f;

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
