import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeFunctionData, getAddress, toFunctionSelector } from "viem";
import {
  PRESET,
  PRICE,
  ZERO,
  ZERO_HASH,
  contentHash,
  createFixture,
  metadataDigest,
} from "../test-support/fixture.ts";

const f = await createFixture();
const { creator, buyer, publicClient } = f;
const GUARD = toFunctionSelector("ReentrancyGuardReentrantCall()");
const Mode = { None: 0, ReenterBuy: 1, ReenterWithdraw: 2, ReenterWithdrawStake: 3, RejectEth: 4 } as const;

describe("Reentrancy", () => {
  it("a malicious licensee re-entering buyLicense from onERC721Received is stopped", async () => {
    const d = await f.load();
    const { licenses } = d;
    const id = await f.mintRoot(d);
    const attacker = await f.deployAttacker();
    await f.mined(attacker.write.configure([Mode.ReenterBuy, licenses.address, id, 1n, PRICE]));
    await f.networkHelpers.setBalance(attacker.address, PRICE * 10n);
    await f.mined(attacker.write.buy([PRICE]));
    assert.equal(await attacker.read.attempts(), 1n);
    assert.equal(await attacker.read.reentered(), false);
    assert.equal((await attacker.read.lastError()).slice(0, 10), GUARD);
    assert.equal(await licenses.read.balanceOf([attacker.address]), 1n);
    assert.equal(await d.works.read.offerSold([id, 1n]), 1n);
    assert.equal(await publicClient.getBalance({ address: licenses.address }), PRICE);
  });

  it("an ERC-20 callback re-entering buyLicense during payment is stopped", async () => {
    const d = await f.load();
    const { licenses } = d;
    const token = await f.deployErc20("CallbackERC20");
    // Listed on purpose, to show the guard holds even if a callback token slips through curation.
    await f.mined(d.works.write.setCurrencyAllowed([token.address, true], { account: f.admin.account }));
    const id = await f.mintRoot(d, creator, [
      { termsId: PRESET.commercial, currency: token.address, price: 100n, maxSupply: 0 },
    ]);
    const attacker = await f.deployAttacker();
    await f.mined(token.write.mint([attacker.address, 1000n]));
    await f.mined(attacker.write.setCurrency([token.address]));
    await f.mined(attacker.write.approve([token.address, licenses.address, 1000n]));
    await f.mined(attacker.write.configure([Mode.ReenterBuy, licenses.address, id, 1n, 100n]));
    await f.mined(attacker.write.buy([0n]));
    assert.equal(await attacker.read.reentered(), false);
    assert.equal((await attacker.read.lastError()).slice(0, 10), GUARD);
    assert.equal(await token.read.balanceOf([licenses.address]), 100n);
    assert.equal(await d.works.read.offerSold([id, 1n]), 1n);
  });

  it("an ETH receiver re-entering withdraw gets paid exactly once", async () => {
    const d = await f.load();
    const { licenses, works } = d;
    const attacker = await f.deployAttacker();
    // The attacker owns a work and earns credits from a sale.
    const mint = encodeFunctionData({
      abi: works.abi,
      functionName: "mintWork",
      args: [
        contentHash(),
        metadataDigest(),
        ZERO_HASH,
        0n,
        0,
        [],
        [{ termsId: PRESET.commercial, currency: ZERO, price: PRICE, maxSupply: 0 }],
      ],
    });
    await f.mined(attacker.write.exec([works.address, 0n, mint]));
    assert.equal(await works.read.ownerOf([1n]), getAddress(attacker.address));
    await f.buy(d, 1n, 1n, buyer);
    const owed = await licenses.read.creditOf([attacker.address, ZERO]);
    assert.ok(owed > 0n);
    await f.mined(attacker.write.configure([Mode.ReenterWithdraw, licenses.address, 0n, 0n, 0n]));
    await f.mined(attacker.write.withdrawFrom([licenses.address, ZERO]));
    assert.equal(await attacker.read.attempts(), 1n);
    assert.equal(await attacker.read.reentered(), false);
    assert.equal((await attacker.read.lastError()).slice(0, 10), GUARD);
    assert.equal(await publicClient.getBalance({ address: attacker.address }), owed);
    assert.equal(await licenses.read.creditOf([attacker.address, ZERO]), 0n);
    // What remains is exactly the treasury's credit.
    assert.equal(
      await publicClient.getBalance({ address: licenses.address }),
      await licenses.read.creditOf([f.treasury.account.address, ZERO]),
    );
  });
});
