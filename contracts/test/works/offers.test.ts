import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress } from "viem";
import { PRESET, PRICE, ZERO, createFixture } from "../../test-support/fixture.ts";

const f = await createFixture();
const { viem, creator, buyer, buyer2, outsider } = f;

describe("Works: offers", () => {
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
    await viem.assertions.revertWithCustomErrorWithArgs(f.buyTx(d, id), works, "OfferInactive", [id, 1n]);
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
    await viem.assertions.revertWithCustomErrorWithArgs(f.buyTx(d, id), works, "SalesPaused", [id]);
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
});
