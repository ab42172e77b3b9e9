/**
 * One scripted market on a local chain, used by the mapping tests, the Ponder tests and the
 * conformance test: uploads, a derivative, generated works, public and private offers (one redeemed,
 * one cancelled), licences incl. exclusive and expiring ones, jobs fulfilled / rejected / released /
 * cancelled / expired with slashing, transfers, flags, withdrawals, a fee change, stake changes, and
 * hostile strings (script tags, bidi overrides, a 100 KB title, invalid UTF-8).
 */
import {
  createPublicClient,
  createWalletClient,
  http,
  keccak256,
  parseEther,
  stringToHex,
  toHex,
  zeroAddress,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { hardhat } from "viem/chains";
import { abis, type Deployment } from "@atelier/protocol";
import { devAccount } from "@atelier/devchain";
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

export async function runScenario(rpcUrl: string, deployment: Deployment): Promise<ScenarioResult> {
  const transport = http(rpcUrl);
  const client = createPublicClient({ chain: hardhat, transport }) as PublicClient;
  const wallet = (account: (typeof ACCOUNTS)[keyof typeof ACCOUNTS]) =>
    createWalletClient({ chain: hardhat, transport, account });
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
  const licenseId = (work: bigint, offerId: bigint, serial: bigint) =>
    (work << 64n) | (offerId << 32n) | serial;

  // Generation market: a model and a node.
  await send("admin", "GenerationMarket", "registerModel", [
    keccak256(stringToHex("cppn-v1 weights")),
    keccak256(stringToHex("cid")),
    0x55n,
    true,
    "cppn-v1",
  ]);
  await send("node", "GenerationMarket", "registerNode", [[1]], parseEther("1"));

  // Uploads: work 1 (commercial + remix offers), work 2 (exclusive + AI training) with hostile metadata.
  const m1 = content({
    name: `Dunes ${HOSTILE.script}`,
    description: HOSTILE.bidi,
    image: "ipfs://bafkreiimage1",
  });
  await send("creatorA", "Works", "mintWork", [
    m1.contentHash,
    m1.digest,
    101n,
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
    102n,
    0x0f0f0f0f0f0f0f0en,
    250,
    [],
    [offer(4, PRICE * 5n), offer(5, PRICE)],
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
    0n,
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
  const signature = await wallet(ACCOUNTS.creatorA).signTypedData({
    domain: { name: "Atelier Licenses", version: "1", chainId, verifyingContract: a.Licenses },
    types: {
      PrivateOffer: [
        { name: "workId", type: "uint256" },
        { name: "termsId", type: "uint32" },
        { name: "buyer", type: "address" },
        { name: "currency", type: "address" },
        { name: "price", type: "uint96" },
        { name: "duration", type: "uint40" },
        { name: "nonce", type: "uint256" },
        { name: "deadline", type: "uint40" },
        { name: "issuedAt", type: "uint40" },
      ],
    },
    primaryType: "PrivateOffer",
    message: privateOffer,
  });
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

  // Jobs: fulfilled (hostile, invalid-UTF-8 prompt), rejected, cancelled, released then expired (slash).
  const deadline = now + 3_600;
  const request = async (prompt: Hex) => {
    await send(
      "creatorA",
      "GenerationMarket",
      "requestGeneration",
      [1, prompt, stringToHex('{"steps":1}'), deadline, 500, offer(2, PRICE)],
      PRICE,
    );
    jobIds.push(BigInt(jobIds.length + 1));
    return BigInt(jobIds.length);
  };
  const job1 = await request(`${toHex(HOSTILE.bidi)}${HOSTILE.invalidUtf8.slice(2)}` as Hex);
  await send("node", "GenerationMarket", "claimJob", [job1]);
  const m4 = content({
    name: "A generated dune",
    description: "job 1",
    attributes: [{ trait_type: "prompt", value: HOSTILE.bidi }],
  });
  await send("node", "GenerationMarket", "fulfilJob", [job1, m4.contentHash, m4.digest, 0xf0f0f0f0f0f0f0f0n]);
  workIds.push(4n);
  const job2 = await request(stringToHex("something unsafe"));
  await send("node", "GenerationMarket", "claimJob", [job2]);
  await send("node", "GenerationMarket", "rejectJob", [job2, 1]);
  const job3 = await request(stringToHex("never mind"));
  await send("creatorA", "GenerationMarket", "cancelJob", [job3]);
  const job4 = await request(stringToHex("too slow"));
  await send("node", "GenerationMarket", "claimJob", [job4]);
  await send("node", "GenerationMarket", "releaseJob", [job4]);
  await send("node", "GenerationMarket", "claimJob", [job4]);
  await client.request({ method: "evm_increaseTime" as never, params: [7_200] as never });
  await client.request({ method: "evm_mine" as never, params: [] as never });
  await send("brand", "GenerationMarket", "expireJob", [job4]);

  // Stake changes and withdrawals from both contracts.
  await send("node", "GenerationMarket", "addStake", [], parseEther("0.5"));
  await send("node", "GenerationMarket", "requestUnstake", [parseEther("0.2")]);
  await send("creatorA", "Licenses", "withdraw", [zeroAddress]);
  await send("node", "GenerationMarket", "withdraw", [zeroAddress]);

  // Oversized metadata (over one block): must be rejected with a reason.
  const oversized = rawBlock(new TextEncoder().encode(JSON.stringify({ name: "x".repeat(300_000) })));
  metadata.set(oversized.cid, oversized);
  const m5 = { contentHash: keccak256(stringToHex("oversized")), digest: oversized.digest };
  await send("creatorB", "Works", "mintWork", [m5.contentHash, m5.digest, 0n, 0n, 0, [], []]);
  workIds.push(5n);

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
