/**
 * Protocol v1.1 hardening — currencies that would strand creditors: a sender-fee token, withdrawals to the
 * contract itself, a requested currency that became unusable or self-destructed before fulfilment. Each
 * test fails on the v1.0 contracts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, parseEventLogs, toHex } from "viem";
import { FEE, PRESET, ZERO, hardeningFixture, protocolFee } from "../../test-support/hardening.ts";

const { f, ready } = await hardeningFixture();
const { viem, requester, node, outsider, admin, creator, buyer, publicClient, treasury } = f;

describe("currencies and withdrawals", () => {
  it("a token that charges the sender on top can't strand the last creditor; no withdrawal to the contract itself", async () => {
    const d = await f.load();
    const { licenses, works } = d;
    const odd = await f.deployErc20("SenderFeeERC20");
    await f.mined(works.write.setCurrencyAllowed([odd.address, true], { account: admin.account }));
    await f.mined(odd.write.mint([buyer.account.address, 10_000n]));
    const id = await f.mintRoot(d, creator, [
      { termsId: PRESET.commercial, currency: odd.address, price: 1000n, maxSupply: 0 },
    ]);
    await f.mined(odd.write.approve([licenses.address, 1000n], { account: buyer.account }));
    await f.mined(
      licenses.write.buyLicense([id, 1n, buyer.account.address, 1000n], { account: buyer.account }),
    );
    const credit = await licenses.read.creditOf([creator.account.address, odd.address]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      licenses.write.withdraw([odd.address], { account: creator.account }),
      licenses,
      "UnsupportedWithdrawal",
      [getAddress(odd.address), credit, credit + credit / 100n],
    );
    await viem.assertions.revertWithCustomError(
      licenses.write.withdrawTo([ZERO, licenses.address], { account: treasury.account }),
      licenses,
      "InvalidRecipient",
    );
    // Removed from the list: no new offers and no further sales in it; credits stay as they are.
    await f.mined(works.write.setCurrencyAllowed([odd.address, false], { account: admin.account }));
    await viem.assertions.revertWithCustomErrorWithArgs(
      licenses.write.buyLicense([id, 1n, buyer.account.address, 1000n], { account: buyer.account }),
      works,
      "CurrencyNotAllowed",
      [getAddress(odd.address)],
    );
    await viem.assertions.revertWithCustomError(
      works.write.setCurrencyAllowed([outsider.account.address, true], { account: admin.account }),
      works,
      "InvalidCurrency",
    );
    await viem.assertions.revertWithCustomError(
      works.write.setCurrencyAllowed([odd.address, true], { account: outsider.account }),
      works,
      "AccessControlUnauthorizedAccount",
    );
    const [eth, tok] = await licenses.read.creditsOf([treasury.account.address, [ZERO, odd.address]]);
    assert.equal(eth, 0n);
    assert.equal(tok, 1000n - credit);
  });

  it("a requested offer whose currency became unusable is skipped at fulfilment, which goes on", async () => {
    const d = await ready();
    const t = await f.now();
    await f.mined(
      d.market.write.requestGeneration(
        [
          1,
          toHex("x"),
          "0x",
          Number(t + 600n),
          0,
          { termsId: PRESET.personal, currency: d.token.address, price: 7n, maxSupply: 0 },
          [],
        ],
        { account: requester.account, value: FEE },
      ),
    );
    await f.claim(d, 1n);
    await f.mined(d.works.write.setCurrencyAllowed([d.token.address, false], { account: admin.account }));
    const receipt = await f.fulfil(d, 1n);
    const skipped = parseEventLogs({ abi: d.works.abi, logs: receipt.logs, eventName: "OfferSkipped" });
    assert.equal(skipped.length, 1);
    assert.equal(await d.works.read.offerCount([await d.market.read.workOfJob([1n])]), 0n);
    assert.equal(await d.market.read.creditOf([node.account.address, ZERO]), FEE - protocolFee);
  });

  it("a currency created and self-destructed in the request transaction (EIP-6780) is skipped at fulfilment", async () => {
    const d = await ready();
    const factory = await f.deployEphemeralCurrencyRequester();
    // Listing needs the admin role: the factory plays an admin that batches calls (see the mock).
    await f.mined(
      d.works.write.grantRole([await d.works.read.DEFAULT_ADMIN_ROLE(), factory.address], {
        account: admin.account,
      }),
    );
    const deadline = (await f.now()) + 600n;
    const request = await f.mined(
      factory.write.run([d.works.address, d.market.address, 1, Number(deadline), PRESET.personal], {
        account: requester.account,
        value: FEE,
      }),
    );
    const [requested] = parseEventLogs({ abi: factory.abi, logs: request.logs, eventName: "Requested" });
    assert.ok(requested);
    const { token, jobId } = requested.args;
    const [jobRequested] = parseEventLogs({
      abi: d.market.abi,
      logs: request.logs,
      eventName: "JobRequested",
    });
    assert.equal(jobRequested?.args.offer.currency, token);
    // The no-code branch, not the allow-list one: the token is still listed, but its code is gone.
    assert.equal(await d.works.read.isCurrencyAllowed([token]), true);
    assert.equal(await publicClient.getCode({ address: token }), undefined);

    await f.claim(d, jobId);
    const receipt = await f.fulfil(d, jobId);
    const workId = await d.market.read.workOfJob([jobId]);
    assert.notEqual(workId, 0n);
    const skipped = parseEventLogs({ abi: d.works.abi, logs: receipt.logs, eventName: "OfferSkipped" });
    assert.deepEqual(
      skipped.map((l) => l.args),
      [{ workId, currency: token }],
    );
    assert.equal(await d.works.read.offerCount([workId]), 0n);
    assert.equal(getAddress(await d.works.read.ownerOf([workId])), getAddress(factory.address));
    assert.equal(await d.market.read.creditOf([node.account.address, ZERO]), FEE - protocolFee);
  });
});
