/**
 * A local Atelier stack for tests and the benchmark: a real `hardhat node` (automine) with the real
 * contracts deployed by their Ignition module, the built-in CPPN registered as a model, and a staked
 * node account serving it.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { deployAtelier, devAccount, devPrivateKey, startHardhatNode } from "@atelier/devchain";
import { contractAddress, generationMarketAbi, worksAbi, type Deployment } from "@atelier/protocol";
import { writeDeployment } from "@atelier/protocol/node";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  parseEther,
  parseEventLogs,
  toHex,
  type Account,
  type Address,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
} from "viem";
import { builtinArt } from "../../src/model/builtin.ts";

export interface Stack {
  rpcUrl: string;
  deployment: Deployment;
  deploymentFile: string;
  market: Address;
  works: Address;
  publicClient: PublicClient;
  modelId: number;
  nodeKey: Hex;
  nodeAddress: Address;
  /** requests a job from the requester account; resolves when the request is mined */
  request(
    prompt: string,
    opts?: {
      deadlineSec?: number;
      params?: Hex;
      modelId?: number;
      fee?: bigint;
      parents?: { workId: bigint; licenseId: bigint }[];
    },
  ): Promise<{ jobId: bigint; minedAt: number }>;
  /** registers a model (admin) and returns its id */
  registerModel(weightsHash: Hex, name: string): Promise<number>;
  /** registers a model and has the stack's node serve it; returns its id */
  serveModel(weightsHash: Hex, name: string): Promise<number>;
  /** simulates `requestGeneration` from another account (errors of Works decoded too): rejects on a revert */
  simulateRequestFrom(
    account: Account,
    prompt: string,
    opts: { modelId: number; parents: { workId: bigint; licenseId: bigint }[] },
  ): Promise<unknown>;
  /** the work minted by a fulfilled job */
  workOfJob(jobId: bigint): Promise<bigint>;
  jobStatus(jobId: bigint): Promise<number>;
  events(
    name: "JobFulfilled" | "JobRejected" | "JobClaimed" | "JobReleased",
  ): Promise<{ args: Record<string, unknown> }[]>;
  stop(): Promise<void>;
}

export async function startStack(opts: { nodeIndex?: number } = {}): Promise<Stack> {
  // generous: on a loaded machine the node takes far longer than its 30 s default to answer
  const chain = await startHardhatNode({ startTimeoutMs: 300_000 });
  try {
    const deployment = await deployAtelier({ rpcUrl: chain.rpcUrl });
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-stack-"));
    const deploymentFile = await writeDeployment(deployment, path.join(dir, "deployment.json"));
    const c = defineChain({
      id: chain.chainId,
      name: "hardhat",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [chain.rpcUrl] } },
    });
    const transport = http(chain.rpcUrl);
    const publicClient = createPublicClient({ chain: c, transport, pollingInterval: 20, cacheTime: 0 });
    const admin = createWalletClient({
      chain: c,
      transport,
      account: devAccount(0),
    });
    const requester = createWalletClient({
      chain: c,
      transport,
      account: devAccount(1),
    });
    const nodeKey = devPrivateKey(opts.nodeIndex ?? 2);
    const nodeAccount = devAccount(opts.nodeIndex ?? 2);
    const nodeWallet = createWalletClient({ chain: c, transport, account: nodeAccount });
    const market = contractAddress(deployment, "GenerationMarket");
    const works = contractAddress(deployment, "Works");
    const wait = (hash: Hex): Promise<TransactionReceipt> =>
      publicClient.waitForTransactionReceipt({ hash, pollingInterval: 10 });

    const registerModel = async (weightsHash: Hex, name: string) => {
      const r = await wait(
        await admin.writeContract({
          address: market,
          abi: generationMarketAbi,
          functionName: "registerModel",
          args: [weightsHash, weightsHash, 0x55n, true, name],
        }),
      );
      const [log] = parseEventLogs({ abi: generationMarketAbi, logs: r.logs, eventName: "ModelRegistered" });
      return Number(log!.args.modelId);
    };
    const modelId = await registerModel(builtinArt().manifest.weightsHash as Hex, "atelier-art-v2");
    const minStake = await publicClient.readContract({
      address: market,
      abi: generationMarketAbi,
      functionName: "minStake",
    });
    await wait(
      await nodeWallet.writeContract({
        address: market,
        abi: generationMarketAbi,
        functionName: "registerNode",
        args: [[modelId]],
        value: minStake * 10n > parseEther("1") ? minStake * 10n : parseEther("1"),
      }),
    );

    let nonce = await publicClient.getTransactionCount({
      address: requester.account.address,
      blockTag: "pending",
    });
    return {
      rpcUrl: chain.rpcUrl,
      deployment,
      deploymentFile,
      market,
      works,
      publicClient: publicClient as PublicClient,
      modelId,
      nodeKey,
      nodeAddress: nodeAccount.address,
      registerModel,
      async serveModel(weightsHash, name) {
        const id = await registerModel(weightsHash, name);
        await wait(
          await nodeWallet.writeContract({
            address: market,
            abi: generationMarketAbi,
            functionName: "setModelsServed",
            args: [[id], true],
          }),
        );
        return id;
      },
      async simulateRequestFrom(account, prompt, o) {
        const block = await publicClient.getBlock({ blockTag: "latest" });
        return publicClient.simulateContract({
          account,
          address: market,
          // the parent check runs in Works: decode its errors too
          abi: [...generationMarketAbi, ...worksAbi.filter((x) => x.type === "error")],
          functionName: "requestGeneration",
          args: [
            o.modelId,
            toHex(new TextEncoder().encode(prompt)),
            "0x",
            Number(block.timestamp) + 1200,
            500,
            { termsId: 0, currency: "0x0000000000000000000000000000000000000000", price: 0n, maxSupply: 0 },
            o.parents,
          ],
          value: parseEther("0.01"),
        });
      },
      async workOfJob(jobId) {
        const logs = await publicClient.getContractEvents({
          address: market,
          abi: generationMarketAbi,
          eventName: "JobFulfilled",
          args: { jobId },
          fromBlock: BigInt(deployment.startBlock),
          toBlock: "latest",
        });
        const workId = logs[0]?.args.workId;
        if (workId === undefined) throw new Error(`job ${jobId} has no JobFulfilled event`);
        return workId;
      },
      async request(prompt, o = {}) {
        const block = await publicClient.getBlock({ blockTag: "latest" });
        const now = Math.max(Number(block.timestamp), Math.floor(Date.now() / 1000));
        const hash = await requester.writeContract({
          address: market,
          abi: generationMarketAbi,
          functionName: "requestGeneration",
          args: [
            o.modelId ?? modelId,
            toHex(new TextEncoder().encode(prompt)),
            o.params ?? "0x",
            now + (o.deadlineSec ?? 600),
            500,
            { termsId: 0, currency: "0x0000000000000000000000000000000000000000", price: 0n, maxSupply: 0 },
            o.parents ?? [],
          ],
          value: o.fee ?? parseEther("0.01"),
          nonce: nonce++,
        });
        const r = await wait(hash);
        const minedAt = Date.now();
        if (r.status !== "success") throw new Error("requestGeneration reverted");
        const [log] = parseEventLogs({ abi: generationMarketAbi, logs: r.logs, eventName: "JobRequested" });
        return { jobId: log!.args.jobId, minedAt };
      },
      jobStatus: (jobId) =>
        publicClient.readContract({
          address: market,
          abi: generationMarketAbi,
          functionName: "jobStatus",
          args: [jobId],
        }),
      async events(name) {
        const logs = await publicClient.getContractEvents({
          address: market,
          abi: generationMarketAbi,
          eventName: name,
          fromBlock: BigInt(deployment.startBlock),
          toBlock: "latest",
        });
        return logs as unknown as { args: Record<string, unknown> }[];
      },
      stop: () => chain.stop(),
    };
  } catch (err) {
    await chain.stop();
    throw err;
  }
}

/** Polls `cond` every 50 ms until it holds; throws after `ms`. */
export async function until(cond: () => Promise<boolean>, ms = 150_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Writes a node config for the stack; the key goes in a 0600 key file next to it. */
export async function writeNodeConfig(stack: Stack, extra: Record<string, unknown> = {}): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "atelier-node-"));
  const file = path.join(dir, "atelier-node.json");
  await writeFile(path.join(dir, "node.key"), stack.nodeKey + "\n", { mode: 0o600 });
  await writeFile(
    file,
    JSON.stringify(
      {
        rpcUrl: stack.rpcUrl,
        deployment: stack.deploymentFile,
        keyFile: "node.key",
        dataDir: "data",
        models: [{ id: stack.modelId, manifest: "builtin:art" }],
        provider: "cpu",
        pollIntervalMs: 50,
        http: { host: "127.0.0.1", port: 0 },
        log: { level: "warn", pretty: false },
        claim: { expectedJobMs: 5_000, releaseMarginMs: 2_000 },
        retries: { max: 2, baseDelayMs: 50, maxDelayMs: 200 },
        ...extra,
      },
      null,
      2,
    ),
  );
  return file;
}

export { worksAbi, generationMarketAbi };
