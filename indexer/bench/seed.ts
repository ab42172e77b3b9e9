/**
 * Seeds a local chain quickly: automine off, transactions signed locally with explicit nonces and gas
 * (each dev account derived once: an HD derivation costs ~30 ms), sent and their receipts read in
 * JSON-RPC batches, one block per batch. N works (one or two offers each), a licence per two works,
 * and generation jobs.
 */
import {
  createPublicClient,
  encodeFunctionData,
  http,
  keccak256,
  parseEther,
  toHex,
  zeroAddress,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import { hardhat } from "viem/chains";
import { abis, type Deployment } from "@atelier/protocol";
import { devAccount } from "@atelier/devchain";
import { metadataBlock, type StoredMetadata } from "@atelier/devchain/scenario";
import { mulberry32 } from "@atelier/query";

/** Title and description words of the seeded works (what the search benchmark looks for). */
export const SEED_WORDS = (
  "amber azure basalt birch bloom boreal brass breeze canyon cedar cinder citrus cliff cloud coral " +
  "cosmic crimson crystal dawn delta desert dune dusk echo ember emerald fern fjord flame flint " +
  "fog forest frost garden glacier glade golden granite grove harbor haze heather horizon indigo " +
  "iris island ivory jade jasmine jungle lagoon lantern lava lemon lilac lotus lunar maple marble " +
  "meadow mesa midnight mirage mist monsoon moss mountain nebula night oasis ocean olive onyx orbit " +
  "orchid pebble pine plum polar prairie prism quartz rain raven reef ridge river ruby saffron sage " +
  "sand sapphire savanna shadow shore sierra silver sky slate snow solar spruce storm summit sun " +
  "tide timber topaz tundra twilight valley velvet violet volcano willow winter zephyr"
).split(" ");

export interface SeedResult {
  works: number;
  licenses: number;
  jobs: number;
  /** Logs the indexers handle (from the contracts), counted from receipts. */
  events: number;
  toBlock: bigint;
}

type Call = { from: number; to: Address; data: Hex; value?: bigint };

export async function seedMarket(
  rpcUrl: string,
  deployment: Deployment,
  options: {
    works: number;
    batch?: number;
    onProgress?: (done: number) => void;
    /** Receives each work's metadata block (to put in a blockstore the indexer reads). */
    onMetadata?: (block: StoredMetadata) => void;
  },
): Promise<SeedResult> {
  // JSON-RPC batches: one HTTP request carries up to 100 raw transactions or receipt reads.
  const transport = http(rpcUrl, { batch: { batchSize: 100, wait: 0 }, retryCount: 5 });
  const client = createPublicClient({ chain: hardhat, transport }) as PublicClient;
  const rand = mulberry32(42);
  const c = deployment.contracts as Record<keyof typeof abis, Address>;
  const price = parseEther("0.001");
  const nonces = new Map<number, number>();
  const gasPrice = (await client.getGasPrice()) * 2n;
  let events = 0;

  const chainId = await client.getChainId();
  const accounts = new Map<number, ReturnType<typeof devAccount>>();
  const account = (index: number) => {
    if (!accounts.has(index)) accounts.set(index, devAccount(index));
    return accounts.get(index)!;
  };

  /**
   * The node's HTTP server sometimes drops a kept-alive socket under load ("other side closed"): the
   * same signed transaction is sent again; "already known" means the first attempt got through.
   */
  async function sendWithRetry(tx: Hex): Promise<Hex> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await client.sendRawTransaction({ serializedTransaction: tx });
      } catch (error) {
        const message = (error as Error).message;
        if (/already known|nonce too low/i.test(message)) return keccak256(tx);
        if (attempt >= 5 || !/fetch failed|other side closed|socket/i.test(message)) throw error;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  }

  async function sendBatch(calls: Call[]) {
    await client.request({ method: "evm_setAutomine" as never, params: [false] as never });
    const signed: Hex[] = [];
    for (const call of calls) {
      if (!nonces.has(call.from))
        nonces.set(
          call.from,
          await client.getTransactionCount({ address: account(call.from).address, blockTag: "pending" }),
        );
      const nonce = nonces.get(call.from)!;
      nonces.set(call.from, nonce + 1);
      // Signed locally: no per-transaction RPC round trips for fees, nonce or gas.
      signed.push(
        await account(call.from).signTransaction({
          chainId,
          nonce,
          gas: 1_500_000n,
          gasPrice,
          to: call.to,
          data: call.data,
          value: call.value ?? 0n,
          type: "legacy",
        }),
      );
    }
    // Sent in one batch, in nonce order within the batch (the node's pool orders each sender by nonce).
    const hashes = await Promise.all(signed.map((tx) => sendWithRetry(tx)));
    await client.request({ method: "evm_mine" as never, params: [] as never });
    await client.request({ method: "evm_setAutomine" as never, params: [true] as never });
    const receipts = await Promise.all(hashes.map((hash) => client.getTransactionReceipt({ hash })));
    for (const receipt of receipts) {
      if (receipt.status !== "success")
        throw new Error(`seed transaction ${receipt.transactionHash} reverted`);
      events += receipt.logs.filter((l) =>
        Object.values(c).some((a) => a.toLowerCase() === l.address.toLowerCase()),
      ).length;
    }
  }

  const batch = options.batch ?? 100;
  const works: { id: bigint; owner: number }[] = [];
  let minted = 0;
  while (minted < options.works) {
    const calls: Call[] = [];
    for (let i = 0; i < batch && minted < options.works; i++, minted++) {
      const creator = 1 + (minted % 5);
      const word = () => SEED_WORDS[Math.floor(rand() * SEED_WORDS.length)]!;
      const meta = metadataBlock({
        name: `${word()} ${word()} ${minted + 1}`,
        description: `a ${word()} study in ${word()} and ${word()}, style ${minted % 17}`,
      });
      options.onMetadata?.(meta);
      const offers = [{ termsId: 2, currency: zeroAddress, price, maxSupply: 0 }];
      if (rand() < 0.4)
        offers.push({
          termsId: rand() < 0.5 ? 3 : 5,
          currency: zeroAddress,
          price: price * 2n,
          maxSupply: 0,
        });
      const phash = (BigInt(Math.floor(rand() * 2 ** 32)) << 32n) | BigInt(Math.floor(rand() * 2 ** 32));
      calls.push({
        from: creator,
        to: c.Works,
        data: encodeFunctionData({
          abi: abis.Works,
          functionName: "mintWork",
          args: [
            keccak256(toHex(`seed-${minted}`)),
            meta.digest,
            `0x${"00".repeat(32)}`,
            phash,
            500,
            [],
            offers,
          ],
        }),
      });
      works.push({ id: BigInt(minted + 1), owner: creator });
    }
    await sendBatch(calls);
    options.onProgress?.(minted);
  }

  let licenses = 0;
  for (let start = 0; start < works.length; start += batch * 2) {
    const calls: Call[] = [];
    for (let i = start; i < Math.min(works.length, start + batch * 2); i += 2) {
      const buyer = 6 + (i % 4);
      calls.push({
        from: buyer,
        to: c.Licenses,
        value: price,
        data: encodeFunctionData({
          abi: abis.Licenses,
          functionName: "buyLicense",
          args: [works[i]!.id, 1n, account(buyer).address, price],
        }),
      });
      licenses += 1;
    }
    await sendBatch(calls);
  }

  // Generation jobs: model and node once, then request / claim / fulfil in three blocks per round.
  await sendBatch([
    {
      from: 0,
      to: c.GenerationMarket,
      data: encodeFunctionData({
        abi: abis.GenerationMarket,
        functionName: "registerModel",
        args: [keccak256(toHex("bench model")), keccak256(toHex("cid")), 0x55n, true, "bench"],
      }),
    },
  ]);
  await sendBatch([
    {
      from: 10,
      to: c.GenerationMarket,
      value: parseEther("5"),
      data: encodeFunctionData({ abi: abis.GenerationMarket, functionName: "registerNode", args: [[1]] }),
    },
  ]);
  const jobs = Math.max(1, Math.floor(options.works / 20));
  const now = Number((await client.getBlock()).timestamp);
  const firstJob =
    (await client.readContract({
      address: c.GenerationMarket,
      abi: abis.GenerationMarket,
      functionName: "jobCount",
    })) + 1n;
  for (let start = 0; start < jobs; start += 50) {
    const ids = Array.from({ length: Math.min(50, jobs - start) }, (_, i) => firstJob + BigInt(start + i));
    await sendBatch(
      ids.map(() => ({
        from: 11,
        to: c.GenerationMarket,
        value: price,
        data: encodeFunctionData({
          abi: abis.GenerationMarket,
          functionName: "requestGeneration",
          args: [
            1,
            toHex("a bench prompt"),
            "0x",
            now + 86_400,
            500,
            { termsId: 2, currency: zeroAddress, price, maxSupply: 0 },
            [],
          ],
        }),
      })),
    );
    await sendBatch(
      ids.map((id) => ({
        from: 10,
        to: c.GenerationMarket,
        data: encodeFunctionData({
          abi: abis.GenerationMarket,
          functionName: "claimJob",
          args: [id, keccak256(toHex(`job-${id}`))],
        }),
      })),
    );
    await sendBatch(
      ids.map((id) => ({
        from: 10,
        to: c.GenerationMarket,
        data: encodeFunctionData({
          abi: abis.GenerationMarket,
          functionName: "fulfilJob",
          args: [
            id,
            keccak256(toHex(`job-${id}`)),
            keccak256(toHex(`secret-${id}`)),
            keccak256(toHex(`meta-${id}`)),
            0n,
          ],
        }),
      })),
    );
  }
  return {
    works: options.works + jobs,
    licenses,
    jobs,
    events,
    toBlock: await client.getBlockNumber({ cacheTime: 0 }),
  };
}
