import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, toHex } from "viem";
import {
  GENERATED_FLAG,
  GENERATION_FEE_BPS,
  PRESET,
  PRICE,
  ZERO,
  createFixture,
  outputOf,
} from "../../test-support/fixture.ts";
import { FEE, Status as JobStatus } from "../../test-support/jobs.ts";
import { marketTools } from "../../test-support/market.ts";

const f = await createFixture();
const { viem, requester, node, outsider, admin } = f;
const { ready } = marketTools(f);

describe("GenerationMarket: requests", () => {
  it("emits everything a node needs; seed and watermark id are derived from the job", async () => {
    const d = await ready();
    const { market } = d;
    const deadline = (await f.now()) + 600n;
    const offer = { termsId: PRESET.commercial, currency: ZERO, price: PRICE, maxSupply: 10 };
    await viem.assertions.emitWithArgs(
      market.write.requestGeneration([1, toHex("a cat"), toHex("{}"), Number(deadline), 300, offer, []], {
        account: requester.account,
        value: FEE,
      }),
      market,
      "JobRequested",
      [
        1n,
        getAddress(requester.account.address),
        1,
        toHex("a cat"),
        toHex("{}"),
        FEE,
        Number(GENERATION_FEE_BPS),
        Number(deadline),
        GENERATED_FLAG | 1n,
        300,
        offer,
        [],
      ],
    );
    assert.equal(await market.read.watermarkIdOf([1n]), GENERATED_FLAG | 1n);
    assert.equal(await market.read.jobCount(), 1n);
    const job = await market.read.getJob([1n]);
    assert.equal(job.status, JobStatus.Open);
    assert.equal(job.requester, getAddress(requester.account.address));
    assert.equal(job.fee, FEE);
    assert.equal(job.protocolFeeBps, Number(GENERATION_FEE_BPS));
    assert.equal(job.deadline, Number(deadline));
    assert.equal(job.node, ZERO);
    assert.deepEqual(job.offer, offer);
    assert.equal(job.royaltyBps, 300);
    assert.equal(await market.read.jobStatus([1n]), JobStatus.Open);
    assert.equal(await market.read.jobStatus([2n]), JobStatus.None);
    await viem.assertions.revertWithCustomErrorWithArgs(market.read.getJob([2n]), market, "UnknownJob", [2n]);
  });

  it("reverts on bad requests and while paused", async () => {
    const d = await ready();
    const { market } = d;
    const t = await f.now();
    const offer = { termsId: 0, currency: ZERO, price: 0n, maxSupply: 0 };
    const req = (
      over: Partial<{
        prompt: `0x${string}`;
        params: `0x${string}`;
        deadline: bigint;
        royalty: number;
        offer: typeof offer;
      }> = {},
    ) =>
      market.write.requestGeneration(
        [
          1,
          over.prompt ?? toHex("x"),
          over.params ?? "0x",
          Number(over.deadline ?? t + 100n),
          over.royalty ?? 0,
          over.offer ?? offer,
          [],
        ],
        { account: requester.account, value: FEE },
      );
    await viem.assertions.revertWithCustomError(req({ prompt: "0x" }), market, "EmptyPrompt");
    await viem.assertions.revertWithCustomErrorWithArgs(
      req({ prompt: toHex("p".repeat(2049)) }),
      market,
      "PromptTooLong",
      [2049n, 2048n],
    );
    await f.mined(req({ prompt: toHex("p".repeat(2048)) }));
    await viem.assertions.revertWithCustomErrorWithArgs(
      req({ params: toHex("p".repeat(1025)) }),
      market,
      "ParamsTooLong",
      [1025n, 1024n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(req({ deadline: t }), market, "InvalidDeadline", [t]);
    const far = t + 31n * 24n * 3600n;
    await viem.assertions.revertWithCustomErrorWithArgs(req({ deadline: far }), market, "InvalidDeadline", [
      far,
    ]);
    await viem.assertions.revertWithCustomErrorWithArgs(req({ royalty: 1001 }), market, "RoyaltyTooHigh", [
      1001n,
      1000n,
    ]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      req({ offer: { ...offer, termsId: 42 } }),
      d.terms,
      "UnknownTerms",
      [42],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      req({ offer: { ...offer, termsId: 1, currency: outsider.account.address } }),
      market,
      "CurrencyNotAllowed",
      [getAddress(outsider.account.address)],
    );
    const huge = 2n ** 80n;
    await f.networkHelpers.setBalance(requester.account.address, huge * 2n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.requestGeneration([1, toHex("x"), "0x", Number(t + 100n), 0, offer, []], {
        account: requester.account,
        value: huge,
      }),
      market,
      "FeeTooHigh",
      [huge],
    );
    await f.mined(market.write.pause({ account: admin.account }));
    await viem.assertions.revertWithCustomError(req(), market, "EnforcedPause");
    await f.mined(market.write.unpause({ account: admin.account }));
    await f.mined(req());
  });

  it("cancels an open job (requester only) and credits the fee", async () => {
    const d = await ready();
    const { market } = d;
    const jobId = await f.request(d);
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.cancelJob([jobId], { account: outsider.account }),
      market,
      "NotRequester",
      [jobId, getAddress(outsider.account.address)],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.cancelJob([99n], { account: requester.account }),
      market,
      "UnknownJob",
      [99n],
    );
    await viem.assertions.emitWithArgs(
      market.write.cancelJob([jobId], { account: requester.account }),
      market,
      "JobCancelled",
      [jobId, getAddress(requester.account.address), FEE],
    );
    assert.equal(await market.read.jobStatus([jobId]), JobStatus.Cancelled);
    assert.equal(await market.read.creditOf([requester.account.address, ZERO]), FEE);
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.cancelJob([jobId], { account: requester.account }),
      market,
      "JobNotOpen",
      [jobId, JobStatus.Cancelled],
    );
    await viem.assertions.revertWithCustomError(
      market.write.claimJob([jobId, outputOf(jobId, node)], { account: node.account }),
      market,
      "JobNotOpen",
    );
    await viem.assertions.balancesHaveChanged(market.write.withdraw([ZERO], { account: requester.account }), [
      { address: requester.account.address, amount: FEE },
    ]);
    // Claimed jobs can't be cancelled.
    const other = await f.request(d);
    await f.mined(market.write.claimJob([other, outputOf(other, node)], { account: node.account }));
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.cancelJob([other], { account: requester.account }),
      market,
      "JobNotOpen",
      [other, JobStatus.Claimed],
    );
  });
});
