/**
 * One scripted market on a local chain (protocol v1.1), used by the mapping tests, the Ponder tests
 * and the conformance test: uploads, a derivative, generated works incl. a parent-bearing job, public
 * and private offers (one redeemed, one cancelled), licences incl. exclusive and expiring ones, jobs
 * fulfilled / rejected by a node (reopened) / released late (forfeit) / cancelled / expired with
 * slashing, transfers, flags, withdrawals, a fee change, stake changes, a node endpoint, and hostile
 * strings (script tags, bidi overrides, a 100 KB title, invalid UTF-8).
 */
import { keccak256, parseEther, stringToHex, toHex, zeroAddress, type Address, type Hex } from "viem";
import { abis, licenseIdOf, type Deployment } from "@atelier/protocol";
import { devAccount, signPrivateOffer } from "../src/index.ts";
import { devClients } from "../test-support/index.ts";
import { metadataBlock, rawBlock, type StoredMetadata } from "./metadata.ts";

export const HOSTILE = {
  script: '<script>alert("x")</script><img src=x onerror=alert(1)>',
  bidi: "abc\u202Etxt.exe\u202C \u2066isolated\u2069",
  long: "T".repeat(100 * 1024),
  /** Not valid UTF-8: a lone continuation byte, an overlong form, a truncated sequence. */
  invalidUtf8: "0x8061c0af62e282" as Hex,
};

export const ACCOUNTS = {
  admin: devAccount(0),
  creatorA: devAccount(1),
  node: devAccount(2),
  creatorB: devAccount(3),
  brand: devAccount(4),
  brand2: devAccount(5),
  node2: devAccount(6),
};

export interface ScenarioResult {
  /** Metadata blocks by CID, to be served from IPFS. Some are left out on purpose (`missingCids`). */
  metadata: Map<string, StoredMetadata>;
  missingCids: string[];
  /** The oversized metadata (over 256 KiB): must be rejected, not stored. */
  oversizedCid: string;
  workIds: bigint[];
  licenseIds: bigint[];
  jobIds: bigint[];
  toBlock: bigint;
}

const PRICE = parseEther("0.01");
const bytes32Zero = `0x${"00".repeat(32)}` as Hex;

export async function runScenario(rpcUrl: string, deployment: Deployment): Promise<ScenarioResult> {
  const { client, wallet } = devClients(rpcUrl, deployment.chainId);
  const a = deployment.contracts as Record<
    "Works" | "Licenses" | "LicenseTerms" | "GenerationMarket",
    Address
  >;
  const metadata = new Map<string, StoredMetadata>();
  const workIds: bigint[] = [];
  const licenseIds: bigint[] = [];
  const jobIds: bigint[] = [];

  async function send(
    account: keyof typeof ACCOUNTS,
    contract: keyof typeof a,
    functionName: string,
    args: unknown[],
    value = 0n,
  ) {
    const hash = await wallet(ACCOUNTS[account]).writeContract({
      address: a[contract],
      abi: abis[contract],
      functionName,
      args,
      value,
    } as never);
    const receipt = await client.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`${contract}.${functionName} reverted`);
    return receipt;
  }

  let contentCounter = 0;
  function content(json: unknown, keep = true): { contentHash: Hex; digest: Hex; cid: string } {
    contentCounter += 1;
    const block = metadataBlock(json);
    if (keep) metadata.set(block.cid, block);
    return {
      contentHash: keccak256(stringToHex(`content-${contentCounter}-${block.cid}`)),
      digest: block.digest,
      cid: block.cid,
    };
  }
  const offer = (termsId: number, price: bigint, maxSupply = 0) => ({
    termsId,
    currency: zeroAddress,
    price,
    maxSupply,
  });
  const licenseId = licenseIdOf;

  // Generation market: a model and two nodes (one with a hostile endpoint string).
  await send("admin", "GenerationMarket", "registerModel", [
    keccak256(stringToHex("cppn-v1 weights")),
    keccak256(stringToHex("cid")),
    0x55n,
    true,
    "cppn-v1",
  ]);
  await send("node", "GenerationMarket", "registerNode", [[1]], parseEther("1"));
  await send("node", "GenerationMarket", "setNodeEndpoint", [`https://node.example/${HOSTILE.script}`]);
  await send("node2", "GenerationMarket", "registerNode", [[1]], parseEther("1"));

  const salt = (label: string) => keccak256(stringToHex(`watermark-salt-${label}`));
  // Uploads: work 1 (commercial + remix offers) and work 2 (one exclusive offer), hostile metadata.
  const m1 = content({
    name: `Dunes ${HOSTILE.script}`,
    description: HOSTILE.bidi,
    image: "ipfs://bafkreiimage1",
  });
  await send("creatorA", "Works", "mintWork", [
    m1.contentHash,
    m1.digest,
    salt("1"),
    0x0f0f0f0f0f0f0f0fn,
    500,
    [],
    [offer(2, PRICE), offer(3, PRICE * 2n, 10)],
  ]);
  workIds.push(1n);
  const m2 = content({ name: HOSTILE.long, description: "exclusive", image: "ipfs://bafkreiimage2" });
  await send("creatorA", "Works", "mintWork", [
    m2.contentHash,
    m2.digest,
    salt("2"),
    0x0f0f0f0f0f0f0f0en,
    250,
    [],
    [offer(4, PRICE * 5n)],
  ]);
  workIds.push(2n);

  // Licences on work 1: commercial (expiring after a year) and commercial + remix.
  await send("brand", "Licenses", "buyLicense", [1n, 1n, ACCOUNTS.brand.address, PRICE], PRICE);
  licenseIds.push(licenseId(1n, 1n, 1n));
  await send("brand", "Licenses", "buyLicense", [1n, 2n, ACCOUNTS.brand.address, PRICE * 2n], PRICE * 2n);
  const remix = licenseId(1n, 2n, 1n);
  licenseIds.push(remix);

  // A derivative of work 1 under the remix licence, by the brand; its metadata is never stored in IPFS.
  const m3 = content({ name: "Dunes, remixed", description: "derivative" }, false);
  await send("brand", "Works", "mintWork", [
    m3.contentHash,
    m3.digest,
    bytes32Zero,
    0x0f0f0f0f0f0f0f00n,
    0,
    [{ workId: 1n, licenseId: remix }],
    [offer(2, PRICE)],
  ]);
  workIds.push(3n);
  await send("brand2", "Licenses", "buyLicense", [3n, 1n, ACCOUNTS.brand2.address, PRICE], PRICE);
  licenseIds.push(licenseId(3n, 1n, 1n));

  // Exclusive buyout of work 2: nothing else sells afterwards.
  await send("brand2", "Licenses", "buyLicense", [2n, 1n, ACCOUNTS.brand2.address, PRICE * 5n], PRICE * 5n);
  licenseIds.push(licenseId(2n, 1n, 1n));

  // A private offer redeemed, another cancelled.
  const chainId = await client.getChainId();
  const now = Number((await client.getBlock()).timestamp);
  const privateOffer = {
    workId: 1n,
    termsId: 2,
    buyer: ACCOUNTS.brand2.address,
    currency: zeroAddress,
    price: PRICE / 2n,
    duration: 3600,
    nonce: 7n,
    deadline: now + 86_400,
    issuedAt: now,
  };
  const signature = await signPrivateOffer(wallet(ACCOUNTS.creatorA), chainId, a.Licenses, privateOffer);
  await send("brand2", "Licenses", "buyPrivateLicense", [privateOffer, signature], privateOffer.price);
  licenseIds.push(licenseId(1n, 0n, 1n));
  await send("creatorA", "Licenses", "cancelPrivateOffer", [8n]);

  // Offer and sale switches, a flag with a hostile reason, a transfer, a fee change, then a sale at the new fee.
  await send("brand", "Works", "setOfferActive", [3n, 1n, false]);
  await send("admin", "Works", "setFlagged", [2n, true, HOSTILE.script]);
  await send("creatorA", "Works", "transferFrom", [ACCOUNTS.creatorA.address, ACCOUNTS.creatorB.address, 1n]);
  await send("admin", "Licenses", "setProtocolFeeBps", [300]);
  await send("brand", "Licenses", "buyLicense", [1n, 1n, ACCOUNTS.brand.address, PRICE], PRICE);
  licenseIds.push(licenseId(1n, 1n, 2n));
  await send("creatorB", "Works", "setSalesPaused", [1n, true]);

  // Jobs. 1: fulfilled (hostile prompt with invalid UTF-8). 2: a remix of work 1 under the brand's
  // licence, fulfilled as a generated derivative. 3: rejected by the node (reopens), then cancelled.
  // 4: released late (half the lock forfeited to the requester), claimed by the second node, expired (slash).
  const deadline = now + 3_600;
  const request = async (
    account: keyof typeof ACCOUNTS,
    prompt: Hex,
    jobOffer: ReturnType<typeof offer>,
    parents: { workId: bigint; licenseId: bigint }[] = [],
  ) => {
    await send(
      account,
      "GenerationMarket",
      "requestGeneration",
      [1, prompt, stringToHex('{"steps":1}'), deadline, 500, jobOffer, parents],
      PRICE,
    );
    jobIds.push(BigInt(jobIds.length + 1));
    return BigInt(jobIds.length);
  };
  const produce = async (jobId: bigint, json: unknown, perceptualHash: bigint) => {
    const m = content(json);
    await send("node", "GenerationMarket", "claimJob", [jobId, m.contentHash]);
    await send("node", "GenerationMarket", "fulfilJob", [
      jobId,
      m.contentHash,
      keccak256(stringToHex(`secret-${jobId}`)),
      m.digest,
      perceptualHash,
    ]);
  };
  const job1 = await request(
    "creatorA",
    `${toHex(HOSTILE.bidi)}${HOSTILE.invalidUtf8.slice(2)}` as Hex,
    offer(2, PRICE),
  );
  await produce(
    job1,
    {
      name: "A generated dune",
      description: "job 1",
      attributes: [{ trait_type: "prompt", value: HOSTILE.bidi }],
    },
    0xf0f0f0f0f0f0f0f0n,
  );
  workIds.push(4n);
  const job2 = await request("brand", stringToHex("remix the dunes at night"), offer(3, PRICE), [
    { workId: 1n, licenseId: remix },
  ]);
  await produce(
    job2,
    { name: "Night dunes", description: "a generated remix of work 1" },
    0x0123456789abcdefn,
  );
  workIds.push(5n);
  const job3 = await request("creatorA", stringToHex("something unsafe"), offer(2, PRICE));
  await send("node", "GenerationMarket", "claimJob", [job3, keccak256(stringToHex("job3 output"))]);
  await send("node", "GenerationMarket", "rejectJob", [job3, 1]);
  await send("creatorA", "GenerationMarket", "cancelJob", [job3]);
  const job4 = await request("creatorA", stringToHex("too slow"), offer(2, PRICE));
  await send("node", "GenerationMarket", "claimJob", [job4, keccak256(stringToHex("job4 output"))]);
  await client.request({ method: "evm_increaseTime" as never, params: [16 * 60] as never });
  await send("node", "GenerationMarket", "releaseJob", [job4]);
  await send("node2", "GenerationMarket", "claimJob", [job4, keccak256(stringToHex("job4 output, node 2"))]);
  await client.request({ method: "evm_increaseTime" as never, params: [7_200] as never });
  await client.request({ method: "evm_mine" as never, params: [] as never });
  await send("brand", "GenerationMarket", "expireJob", [job4]);

  // Stake changes and withdrawals from both contracts.
  await send("node", "GenerationMarket", "addStake", [], parseEther("0.5"));
  await send("node", "GenerationMarket", "requestUnstake", [parseEther("0.2")]);
  await send("creatorA", "Licenses", "withdraw", [zeroAddress]);
  await send("node", "GenerationMarket", "withdraw", [zeroAddress]);

  // Oversized metadata (over one block): must be rejected with a reason. The work offers AI training.
  const oversized = rawBlock(new TextEncoder().encode(JSON.stringify({ name: "x".repeat(300_000) })));
  metadata.set(oversized.cid, oversized);
  await send("creatorB", "Works", "mintWork", [
    keccak256(stringToHex("oversized")),
    oversized.digest,
    bytes32Zero,
    0n,
    0,
    [],
    [offer(5, PRICE)],
  ]);
  workIds.push(6n);

  return {
    metadata,
    missingCids: [m3.cid],
    oversizedCid: oversized.cid,
    workIds,
    licenseIds,
    jobIds,
    toBlock: await client.getBlockNumber({ cacheTime: 0 }),
  };
}
