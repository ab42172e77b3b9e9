/**
 * Seeds a local chain quickly: automine off, transactions sent with explicit nonces and gas, one block
 * per batch. N works (one or two offers each), a licence per two works, and generation jobs.
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
import { metadataBlock } from "../scenario/metadata.ts";
import { mulberry32 } from "@atelier/query";

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
  options: { works: number; batch?: number; onProgress?: (done: number) => void },
): Promise<SeedResult> {
  const transport = http(rpcUrl);
  const client = createPublicClient({ chain: hardhat, transport }) as PublicClient;
  const rand = mulberry32(42);
  const c = deployment.contracts as Record<keyof typeof abis, Address>;
  const price = parseEther("0.001");
  const nonces = new Map<number, number>();
  const gasPrice = (await client.getGasPrice()) * 2n;
  let events = 0;

  const chainId = await client.getChainId();

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
          await client.getTransactionCount({ address: devAccount(call.from).address, blockTag: "pending" }),
        );
      const nonce = nonces.get(call.from)!;
      nonces.set(call.from, nonce + 1);
      // Signed locally: no per-transaction RPC round trips for fees, nonce or gas.
      signed.push(
        await devAccount(call.from).signTransaction({
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
    const hashes: Hex[] = [];
    for (const tx of signed) hashes.push(await sendWithRetry(tx));
    await client.request({ method: "evm_mine" as never, params: [] as never });
    await client.request({ method: "evm_setAutomine" as never, params: [true] as never });
    const receipts = [];
    for (let i = 0; i < hashes.length; i += 10) {
      receipts.push(
        ...(await Promise.all(hashes.slice(i, i + 10).map((hash) => client.getTransactionReceipt({ hash })))),
      );
    }
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
      const meta = metadataBlock({ name: `Seed work ${minted + 1}`, description: `style ${minted % 17}` });
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
          args: [works[i]!.id, 1n, devAccount(buyer).address, price],
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
