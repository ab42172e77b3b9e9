/**
 * The generator node of the web e2e stack, through @atelier/generator-node's public entry (what `npm start`
 * and `atelier-node start` run): the built-in art model and the ×4 upscaler registered on the market, a
 * node config with a dev account key in a 0600 file, the stake through the operator's own code path,
 * the node started in this process (its models run in worker threads), and its endpoint published on
 * chain so the dApp reads the node's `/policy` like it would on a real network. `startBuiltinNode` is the
 * same node serving any built-in models (the seed's tests use it with the art and variation models).
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseEventLogs, type Address } from "viem";
import { generationMarketAbi, type Deployment } from "@atelier/protocol";
import { DEV_ACCOUNT, devPrivateKey } from "@atelier/devchain";
import { devClients } from "@atelier/devchain/test-support";
import {
  builtinModelRegistration,
  connectMarket,
  loadConfig,
  startNodeApp,
  type NodeApp,
} from "@atelier/generator-node";

/** The node's minimum fee (0.001 ETH). */
export const MIN_FEE_WEI = 10n ** 15n;

export interface E2eNode {
  artModelId: number;
  upscaleModelId: number;
  /** The node's gateway (`/ipfs/<cid>`) and `/policy`. */
  url: string;
  address: Address;
  /** The node's fs blockstore: seeded blocks and dApp uploads go here too, so the node can read parents. */
  blockstoreDir: string;
  stop(): Promise<void>;
}

/** Where the node keeps its blocks under its data dir (Helia over blockstore-fs: `<dataDir>/ipfs/blocks`). */
export const blockstoreOf = (dataDir: string) => path.join(dataDir, "ipfs", "blocks");

export type BuiltinModel = NonNullable<Parameters<typeof builtinModelRegistration>[0]>;

/** Registers a built-in model (the deployer holds MODEL_ADMIN_ROLE on a fresh deployment); its model id. */
export async function registerBuiltinModel(
  rpcUrl: string,
  deployment: Deployment,
  which: BuiltinModel,
): Promise<number> {
  const { client, wallet } = devClients(rpcUrl, deployment.chainId);
  const admin = wallet(DEV_ACCOUNT.admin);
  const m = builtinModelRegistration(which);
  const hash = await admin.writeContract({
    address: deployment.contracts.GenerationMarket as Address,
    abi: generationMarketAbi,
    functionName: "registerModel",
    args: [m.weightsHash, m.weightsCidDigest, m.weightsCidCodec, m.deterministic, m.name],
  });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  const [registered] = parseEventLogs({
    abi: generationMarketAbi,
    logs: receipt.logs,
    eventName: "ModelRegistered",
  });
  if (!registered) throw new Error(`registerModel(${m.name}) did not emit ModelRegistered`);
  return Number(registered.args.modelId);
}

/** Registers the models (the deployer holds MODEL_ADMIN_ROLE on a fresh deployment); does not start the node. */
export async function registerModels(rpcUrl: string, deployment: Deployment) {
  const artModelId = await registerBuiltinModel(rpcUrl, deployment, "art");
  const upscaleModelId = await registerBuiltinModel(rpcUrl, deployment, "upscale-x4");
  return { artModelId, upscaleModelId };
}

export async function startNode(options: {
  rpcUrl: string;
  deployment: Deployment;
  deploymentFile: string;
  dataDir: string;
  models: { artModelId: number; upscaleModelId: number };
}): Promise<E2eNode> {
  const { models } = options;
  const node = await startBuiltinNode({
    ...options,
    serve: [
      { id: models.artModelId, model: "art" },
      { id: models.upscaleModelId, model: "upscale-x4" },
    ],
  });
  return { ...models, ...node };
}

/** A node serving the given registered built-in models, staked, started and with its endpoint on chain. */
export async function startBuiltinNode(options: {
  rpcUrl: string;
  deployment: Deployment;
  deploymentFile: string;
  dataDir: string;
  serve: { id: number; model: BuiltinModel }[];
}): Promise<Omit<E2eNode, "artModelId" | "upscaleModelId">> {
  const { rpcUrl, deployment, dataDir, serve } = options;
  await mkdir(dataDir, { recursive: true });
  const keyFile = path.join(dataDir, "node.key");
  await writeFile(keyFile, `${devPrivateKey(DEV_ACCOUNT.node)}\n`, { mode: 0o600 });
  const configFile = path.join(dataDir, "atelier-node.json");
  await writeFile(
    configFile,
    JSON.stringify({
      rpcUrl,
      deployment: options.deploymentFile,
      keyFile,
      dataDir,
      models: serve.map((m) => ({ id: m.id, manifest: `builtin:${m.model}` })),
      provider: "cpu",
      // A real minimum, published at /policy: the generate page shows it.
      minFeeWei: MIN_FEE_WEI.toString(),
      pollIntervalMs: 100,
      // Up to a minute per job: an upscale on a loaded 2-core machine is slow, and a job past its
      // expected time is released rather than fulfilled.
      claim: { expectedJobMs: 60_000, releaseMarginMs: 10_000 },
      http: { host: "127.0.0.1", port: 0 },
      log: { level: "warn", pretty: false },
    }),
  );
  const config = loadConfig({ file: configFile, env: {} });

  // Stake through the operator's own code path (what `atelier-node register` runs).
  const { client, wallet } = devClients(rpcUrl, deployment.chainId);
  const minStake = await client.readContract({
    address: deployment.contracts.GenerationMarket as Address,
    abi: generationMarketAbi,
    functionName: "minStake",
  });
  await (
    await connectMarket(config)
  ).register(
    serve.map((m) => BigInt(m.id)),
    minStake * 10n,
  );

  const operator = wallet(DEV_ACCOUNT.node);
  const app: NodeApp = await startNodeApp(config);
  try {
    // Publish the endpoint, as an operator does: the dApp reads each node's /policy from it.
    const hash = await operator.writeContract({
      address: deployment.contracts.GenerationMarket as Address,
      abi: generationMarketAbi,
      functionName: "setNodeEndpoint",
      args: [app.url],
    });
    await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  } catch (error) {
    await app.stop();
    throw error;
  }
  return {
    url: app.url,
    address: operator.account.address,
    blockstoreDir: blockstoreOf(dataDir),
    stop: app.stop,
  };
}
