import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress } from "viem";
import { PRESET, createFixture } from "../../test-support/fixture.ts";
import { TERMS_PRESETS } from "../../ignition/modules/Atelier.ts";

const f = await createFixture();
const { viem, outsider } = f;

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
