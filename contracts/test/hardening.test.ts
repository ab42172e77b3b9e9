/**
 * Protocol v1.1 / hardening: squatting of generated output, griefing by nodes, parent-bearing jobs,
 * currencies that would strand creditors, revenue share through owned intermediates. Each test fails on the
 * v1.0 contracts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  decodeFunctionData,
  encodeAbiParameters,
  getAddress,
  keccak256,
  parseEther,
  parseEventLogs,
  parseGwei,
  toHex,
  type Hex,
} from "viem";
import {
  CLAIM_LOCK,
  GENERATION_FEE_BPS,
  MIN_STAKE,
  PRESET,
  PRICE,
  SECRET,
  ZERO,
  ZERO_HASH,
  contentHash,
  createFixture,
  metadataDigest,
  outputOf,
} from "../test-support/fixture.ts";

const f = await createFixture();
const { viem, requester, node, node2, outsider, admin, creator, buyer, buyer2, publicClient, treasury } = f;

const FEE = parseEther("0.001");
const protocolFee = (FEE * GENERATION_FEE_BPS) / 10_000n;
type D = Awaited<ReturnType<typeof f.load>>;
const Status = { Open: 1, Claimed: 2, Fulfilled: 3, Rejected: 4 } as const;

async function ready() {
  const d = await f.load();
  await f.registerModel(d);
  await f.registerNode(d, node);
  await f.registerNode(d, node2);
  return d;
}

/** A deterministic stand-in model: the output's content hash is a function of the seed only. */
const render = (seed: bigint): Hex => keccak256(encodeAbiParameters([{ type: "uint256" }], [seed]));

/** Turns automine off, runs `body`, mines one block with everything pending, turns automine back on. */
async function inOneBlock<T>(body: () => Promise<T>): Promise<T> {
  const provider = f.connection.provider;
  await provider.request({ method: "evm_setAutomine", params: [false] });
  try {
    const result = await body();
    await provider.request({ method: "evm_mine", params: [] });
    return result;
  } finally {
    await provider.request({ method: "evm_setAutomine", params: [true] });
  }
}

const receiptOf = (hash: Hex) => publicClient.waitForTransactionReceipt({ hash });

/** An attacker's copy of the content hash in `hash`'s calldata, minted with a higher tip. */
async function frontRunMint(d: D, hash: Hex, attacker = outsider): Promise<Hex> {
  const pending = await publicClient.getTransaction({ hash });
  const { args } = decodeFunctionData({ abi: d.market.abi, data: pending.input });
  const copied = args[1] as Hex; // claimJob(jobId, contentHash) and fulfilJob(jobId, contentHash, …)
  return d.works.write.mintWork([copied, metadataDigest(), ZERO_HASH, 0n, 0, [], []], {
    account: attacker.account,
    gas: 600_000n,
    maxFeePerGas: parseGwei("300"),
    maxPriorityFeePerGas: parseGwei("200"),
  });
}

describe("squatting: nobody but the node can spoil a job", () => {
  it("the output can't be computed from public data: a squat of the v1.0 seed's output does not hit", async () => {
    const d = await ready();
    const jobId = await f.request(d);
    const chainId = await publicClient.getChainId();
    // v1.0's seed was keccak256(chainId, market, jobId): public, so the output could be minted first.
    const publicSeed = BigInt(
      keccak256(
        encodeAbiParameters(
          [{ type: "uint256" }, { type: "address" }, { type: "uint256" }],
          [BigInt(chainId), d.market.address, jobId],
        ),
      ),
    );
    await f.mined(
      d.works.write.mintWork([render(publicSeed), metadataDigest(), ZERO_HASH, 0n, 0, [], []], {
        account: outsider.account,
      }),
    );
    // The node's seed mixes in its own secret, revealed only at fulfilment.
    const seed = await d.market.read.seedOf([jobId, node.account.address, SECRET]);
    assert.notEqual(seed, publicSeed);
    const output = render(seed);
    await f.mined(d.market.write.claimJob([jobId, output], { account: node.account }));
    await f.mined(
      d.market.write.fulfilJob([jobId, output, SECRET, metadataDigest(), 0n], { account: node.account }),
    );
    assert.equal(await d.market.read.jobStatus([jobId]), Status.Fulfilled);
    assert.equal(await d.market.read.creditOf([node.account.address, ZERO]), FEE - protocolFee);
  });

  it("a third party front-running the fulfil from the mempool: its mint fails, the job is fulfilled, the node paid", async () => {
    const d = await ready();
    const jobId = await f.request(d);
    await f.claim(d, jobId);
    const output = outputOf(jobId, node);
    const [fulfil, squat] = await inOneBlock(async () => {
      const fulfil = await d.market.write.fulfilJob([jobId, output, SECRET, metadataDigest(), 0n], {
        account: node.account,
        gas: 1_000_000n,
      });
      return [fulfil, await frontRunMint(d, fulfil)] as const;
    });
    const [fr, sr] = [await receiptOf(fulfil), await receiptOf(squat)];
    assert.equal(sr.blockNumber, fr.blockNumber);
    assert.ok(sr.transactionIndex < fr.transactionIndex, "the squat was ordered first");
    assert.equal(sr.status, "reverted"); // ContentReserved
    assert.equal(fr.status, "success");
    assert.equal(await d.market.read.jobStatus([jobId]), Status.Fulfilled);
    const workId = await d.market.read.workOfJob([jobId]);
    assert.equal(await d.works.read.ownerOf([workId]), getAddress(requester.account.address));
    assert.equal(await d.works.read.workByContentHash([output]), workId);
    assert.equal(await d.market.read.creditOf([node.account.address, ZERO]), FEE - protocolFee);
  });

  it("the requester front-running the fulfil can't take the output for free", async () => {
    const d = await ready();
    const jobId = await f.request(d);
    await f.claim(d, jobId);
    const output = outputOf(jobId, node);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.works.write.mintWork([output, metadataDigest(), ZERO_HASH, 0n, 0, [], []], {
        account: requester.account,
      }),
      d.works,
      "ContentReserved",
      [output, jobId],
    );
    const [, node_] = await d.works.read.contentReservation([output]);
    assert.equal(node_, getAddress(node.account.address));
    await f.fulfil(d, jobId);
    assert.equal(await d.market.read.creditOf([requester.account.address, ZERO]), 0n); // no refund
    assert.equal(await d.market.read.creditOf([node.account.address, ZERO]), FEE - protocolFee);
  });

  it("a front-run of the claim leaves the job open and the node unlocked: it draws a new secret and claims again", async () => {
    const d = await ready();
    const jobId = await f.request(d);
    const first = render(await d.market.read.seedOf([jobId, node.account.address, SECRET]));
    const [claim, squat] = await inOneBlock(async () => {
      const claim = await d.market.write.claimJob([jobId, first], { account: node.account, gas: 500_000n });
      return [claim, await frontRunMint(d, claim)] as const;
    });
    assert.equal((await receiptOf(squat)).status, "success");
    assert.equal((await receiptOf(claim)).status, "reverted"); // DuplicateContentHash
    assert.equal(await d.market.read.jobStatus([jobId]), Status.Open);
    assert.equal((await d.market.read.nodeInfo([node.account.address])).locked, 0n);
    const secret2 = keccak256(toHex("second secret"));
    const second = render(await d.market.read.seedOf([jobId, node.account.address, secret2]));
    await f.mined(d.market.write.claimJob([jobId, second], { account: node.account }));
    await f.mined(
      d.market.write.fulfilJob([jobId, second, secret2, metadataDigest(), 0n], { account: node.account }),
    );
    assert.equal(await d.market.read.jobStatus([jobId]), Status.Fulfilled);
  });

  it("a claim names the work that already holds its content; a reservation dies with the claim", async () => {
    const d = await ready();
    const registered = contentHash();
    await f.mined(
      d.works.write.mintWork([registered, metadataDigest(), ZERO_HASH, 0n, 0, [], []], {
        account: creator.account,
      }),
    );
    const jobId = await f.request(d);
    await viem.assertions.revertWithCustomErrorWithArgs(
      d.market.write.claimJob([jobId, registered], { account: node.account }),
      d.works,
      "DuplicateContentHash",
      [registered, await d.works.read.workCount()],
    );
    // Released: the reserved hash is free again (nothing was published under it).
    await f.claim(d, jobId);
    await f.mined(d.market.write.releaseJob([jobId], { account: node.account }));
    const [live] = await d.works.read.contentReservation([outputOf(jobId, node)]);
    assert.equal(live, 0n);
    await f.mined(
      d.works.write.mintWork([outputOf(jobId, node), metadataDigest(), ZERO_HASH, 0n, 0, [], []], {
        account: outsider.account,
      }),
    );
  });
});

describe("griefing costs the griefer", () => {
  it("claim → reject at once: the job is open again for other nodes, the rejecting node can't take it back", async () => {
    const d = await ready();
    const jobId = await f.request(d);
    await f.claim(d, jobId);
    await viem.assertions.emitWithArgs(
      d.market.write.rejectJob([jobId, 1], { account: node.account }),
      d.market,
      "JobReleased",
      [jobId, getAddress(node.account.address), 1, 0n],
    );
    assert.equal(await d.market.read.jobStatus([jobId]), Status.Open);
    await viem.assertions.revertWithCustomError(
      d.market.write.claimJob([jobId, outputOf(jobId, node)], { account: node.account }),
      d.market,
      "JobGivenBack",
    );
    await f.claim(d, jobId, node2);
    await f.fulfil(d, jobId, node2);
    assert.equal(await d.market.read.creditOf([node2.account.address, ZERO]), FEE - protocolFee);
    // The requester of a job every node rejects can cancel it for a refund.
    const unsafe = await f.request(d);
    await f.claim(d, unsafe);
    await f.mined(d.market.write.rejectJob([unsafe, 1], { account: node.account }));
    await f.mined(d.market.write.cancelJob([unsafe], { account: requester.account }));
    assert.equal(await d.market.read.creditOf([requester.account.address, ZERO]), FEE);
  });

  it("claim → hold → release late: half the lock goes to the requester; another node still fulfils", async () => {
    const d = await ready();
    const jobId = await f.request(d, { deadline: (await f.now()) + 7200n });
    await f.claim(d, jobId);
    await f.networkHelpers.time.increase(Number(await d.market.read.RELEASE_GRACE()) + 1);
    const forfeit = CLAIM_LOCK / 2n;
    await viem.assertions.emitWithArgs(
      d.market.write.releaseJob([jobId], { account: node.account }),
      d.market,
      "JobReleased",
      [jobId, getAddress(node.account.address), 0, forfeit],
    );
    assert.equal(await d.market.read.creditOf([requester.account.address, ZERO]), forfeit);
    const n = await d.market.read.nodeInfo([node.account.address]);
    assert.equal(n.stake, MIN_STAKE * 2n - forfeit);
    assert.equal(n.locked, 0n);
    await f.claim(d, jobId, node2);
    await f.fulfil(d, jobId, node2);
    const balance = await publicClient.getBalance({ address: d.market.address });
    const owed =
      (await d.market.read.creditOf([requester.account.address, ZERO])) +
      (await d.market.read.creditOf([node2.account.address, ZERO])) +
      (await d.market.read.creditOf([treasury.account.address, ZERO])) +
      n.stake +
      (await d.market.read.nodeInfo([node2.account.address])).stake;
    assert.equal(balance, owed);
  });
});

describe("generation from parent works", () => {
  async function remixSetup() {
    const d = await ready();
    const owned = await f.mintRoot(d, requester);
    const licensed = await f.mintRoot(d, creator); // commercial + remix offer, 10% share
    const licenseId = await f.buy(d, licensed, 1n, requester);
    return { d, owned, licensed, licenseId };
  }

  it("requests with owned and licensed parents; the event carries them; the work is a derivative paying up", async () => {
    const { d, owned, licensed, licenseId } = await remixSetup();
    const parents = [
      { workId: owned, licenseId: 0n },
      { workId: licensed, licenseId },
    ];
    const deadline = (await f.now()) + 3600n;
    const offer = { termsId: PRESET.commercial, currency: ZERO, price: PRICE, maxSupply: 0 };
    await viem.assertions.emitWithArgs(
      d.market.write.requestGeneration([1, toHex("upscale"), "0x", Number(deadline), 0, offer, parents], {
        account: requester.account,
        value: FEE,
      }),
      d.market,
      "JobRequested",
      [
        1n,
        getAddress(requester.account.address),
        1,
        toHex("upscale"),
        "0x",
        FEE,
        Number(GENERATION_FEE_BPS),
        Number(deadline),
        (1n << 55n) | 1n,
        0,
        offer,
        parents,
      ],
    );
    assert.deepEqual((await d.market.read.getJob([1n])).parents, parents);
    await f.claim(d, 1n);
    const receipt = await f.fulfil(d, 1n);
    const minted = parseEventLogs({ abi: d.works.abi, logs: receipt.logs, eventName: "WorkMinted" })[0];
    assert.ok(minted);
    assert.deepEqual(minted.args.parentIds, [owned, licensed]);
    assert.deepEqual(minted.args.parentLicenseIds, [0n, licenseId]);
    assert.deepEqual(minted.args.parentShareBps, [0, 1000]);
    const workId = await d.market.read.workOfJob([1n]);
    const info = await d.works.read.workInfo([workId]);
    assert.equal(info.generated, true);
    assert.equal(info.depth, 1);
    // A sale of the generated derivative pays the licensed parent its 10%.
    const before = await d.licenses.read.creditOf([creator.account.address, ZERO]);
    await f.buy(d, workId, 1n, buyer2);
    const net = PRICE - (PRICE * 250n) / 10_000n;
    assert.equal((await d.licenses.read.creditOf([creator.account.address, ZERO])) - before, net / 10n);
  });

  it("refuses parents the requester has no right to, and licences that expire before the deadline", async () => {
    const { d, licensed, licenseId } = await remixSetup();
    const t = await f.now();
    const offer = { termsId: 0, currency: ZERO, price: 0n, maxSupply: 0 };
    const req = (parents: { workId: bigint; licenseId: bigint }[], deadline = t + 3600n, who = requester) =>
      d.market.write.requestGeneration([1, toHex("x"), "0x", Number(deadline), 0, offer, parents], {
        account: who.account,
        value: FEE,
      });
    await viem.assertions.revertWithCustomErrorWithArgs(
      req([{ workId: licensed, licenseId: 0n }]),
      d.works,
      "UnlicensedParent",
      [licensed, 0n],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      req([{ workId: licensed, licenseId }], t + 3600n, outsider),
      d.works,
      "UnlicensedParent",
      [licensed, licenseId],
    );
    // The remix licence lasts a year: a job whose deadline is later can't rely on it... (max job is 30 days,
    // so move close to its expiry instead).
    await f.networkHelpers.time.increase(365 * 24 * 3600 - 600);
    const now = await f.now();
    await viem.assertions.revertWithCustomErrorWithArgs(
      req([{ workId: licensed, licenseId }], now + 3600n),
      d.works,
      "UnlicensedParent",
      [licensed, licenseId],
    );
    await f.mined(req([{ workId: licensed, licenseId }], now + 300n));
  });

  it("a parent flagged between request and fulfilment ends the job Rejected (5): refund, no slash, no work", async () => {
    const { d, licensed, licenseId } = await remixSetup();
    const jobId = await f.request(d, { parents: [{ workId: licensed, licenseId }] });
    await f.claim(d, jobId);
    await f.mined(d.works.write.setFlagged([licensed, true, "infringing"], { account: admin.account }));
    const works = await d.works.read.workCount();
    await viem.assertions.emitWithArgs(
      d.market.write.fulfilJob([jobId, outputOf(jobId, node), SECRET, metadataDigest(), 0n], {
        account: node.account,
      }),
      d.market,
      "JobRejected",
      [jobId, getAddress(node.account.address), 5, FEE],
    );
    assert.equal(await d.market.read.jobStatus([jobId]), Status.Rejected);
    assert.equal(await d.works.read.workCount(), works);
    assert.equal(await d.market.read.creditOf([requester.account.address, ZERO]), FEE);
    const n = await d.market.read.nodeInfo([node.account.address]);
    assert.equal(n.locked, 0n);
    assert.equal(n.stake, MIN_STAKE * 2n);
  });
});

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

describe("revenue share through an owned intermediate", () => {
  it("the owner of a licensed derivative can't strip its ancestor's share by deriving from it as owner", async () => {
    const d = await f.load();
    const { works, licenses } = d;
    const p = await f.mintRoot(d, creator); // remix terms, 10%
    const lic = await f.buy(d, p, 1n, buyer);
    const offer = { termsId: PRESET.commercial, currency: ZERO, price: parseEther("1"), maxSupply: 0 };
    await f.mined(
      works.write.mintWork(
        [contentHash(), metadataDigest(), ZERO_HASH, 0n, 0, [{ workId: p, licenseId: lic }], [offer]],
        {
          account: buyer.account,
        },
      ),
    );
    const dWork = await works.read.workCount();
    await f.mined(
      works.write.mintWork(
        [contentHash(), metadataDigest(), ZERO_HASH, 0n, 0, [{ workId: dWork, licenseId: 0n }], [offer]],
        {
          account: buyer.account,
        },
      ),
    );
    const d2 = await works.read.workCount();
    const info = await works.read.workInfo([d2]);
    assert.deepEqual(info.parentShareBps, [0xffff]); // inherited
    assert.equal(info.effectiveShareBps, 1000);
    const before = await licenses.read.creditOf([creator.account.address, ZERO]);
    const price = parseEther("1");
    await f.mined(
      licenses.write.buyLicense([d2, 1n, outsider.account.address, price], {
        account: outsider.account,
        value: price,
      }),
    );
    const net = price - (price * 250n) / 10_000n;
    assert.equal((await licenses.read.creditOf([creator.account.address, ZERO])) - before, net / 10n);
    const split = await works.read.revenueSplit([d2, 1000n]);
    assert.deepEqual(
      split.map((s) => [s.workId, s.amount]),
      [
        [p, 100n],
        [d2, 900n],
      ],
    );
  });
});

describe("nodes, models, credits", () => {
  it("publishes a node endpoint (event only), names the stake recipient, reads the model name", async () => {
    const d = await ready();
    await viem.assertions.emitWithArgs(
      d.market.write.setNodeEndpoint(["https://node.example/"], { account: node.account }),
      d.market,
      "NodeEndpointSet",
      [getAddress(node.account.address), "https://node.example/"],
    );
    await viem.assertions.revertWithCustomError(
      d.market.write.setNodeEndpoint(["https://x/"], { account: outsider.account }),
      d.market,
      "NodeNotRegistered",
    );
    assert.equal((await d.market.read.modelInfo([1])).name, "cppn");
    await f.mined(d.market.write.requestUnstake([MIN_STAKE], { account: node.account }));
    await f.networkHelpers.time.increase(7200);
    await viem.assertions.emitWithArgs(
      d.market.write.withdrawStakeTo([outsider.account.address], { account: node.account }),
      d.market,
      "StakeWithdrawn",
      [getAddress(node.account.address), getAddress(outsider.account.address), MIN_STAKE],
    );
    assert.deepEqual(await d.market.read.creditsOf([node.account.address, [ZERO]]), [0n]);
  });
});
