/**
 * The generator node of the local stack: registers the built-in art model v2 and its variation model on
 * the market, writes a node config (dev account key in a 0600 file), stakes through the operator's own
 * code path, and runs `atelier-node start` as a supervised child process (its log in the stream and in a
 * file).
 */
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { createPublicClient, createWalletClient, http, parseEventLogs } from "viem";
import { hardhat } from "viem/chains";
import { generationMarketAbi, contractAddress, type Deployment } from "@atelier/protocol";
import { builtinModelRegistration, connectMarket, loadConfig } from "@atelier/generator-node";
import { DEV_ACCOUNT, devAccount, devPrivateKey } from "@atelier/devchain";
import { describeCrash, supervise, type Crash } from "./supervisor.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const NODE_CLI = path.join(ROOT, "generator-node/src/cli/main.ts");

export interface LocalNode {
  modelId: number;
  /** `builtin:art-variation`: variations (AI remixes) of art works. */
  variationModelId: number;
  gatewayUrl: string;
  /** Its Helia's libp2p address on 127.0.0.1 (the dApp server dials it). */
  ipfsAddr: string;
  provider: string;
  logFile: string;
  blockstoreDir: string;
  stop(): Promise<void>;
}

/** Registers the built-in model (deployer holds MODEL_ADMIN_ROLE on a fresh local deployment). */
export async function registerBuiltinModel(
  rpcUrl: string,
  deployment: Deployment,
  which: "art" | "art-variation" = "art",
): Promise<number> {
  const chain = { ...hardhat, id: deployment.chainId };
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl), cacheTime: 0 });
  const admin = createWalletClient({
    chain,
    transport: http(rpcUrl),
    account: devAccount(DEV_ACCOUNT.admin),
  });
  const model = builtinModelRegistration(which);
  const hash = await admin.writeContract({
    address: contractAddress(deployment, "GenerationMarket"),
    abi: generationMarketAbi,
    functionName: "registerModel",
    args: [model.weightsHash, model.weightsCidDigest, model.weightsCidCodec, model.deterministic, model.name],
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  const [registered] = parseEventLogs({
    abi: generationMarketAbi,
    logs: receipt.logs,
    eventName: "ModelRegistered",
  });
  if (!registered) throw new Error("registerModel did not emit ModelRegistered");
  return Number(registered.args.modelId);
}

/** The node's Helia blockstore (blockstore-fs) under the state dir: the seed writes its uploads there. */
export const nodeBlockstoreDir = (stateDir: string): string =>
  path.join(stateDir, "node", "data", "ipfs", "blocks");

export async function startLocalNode(options: {
  rpcUrl: string;
  deployment: Deployment;
  deploymentFile: string;
  stateDir: string;
  gatewayPort: number;
  /** TCP port on 127.0.0.1 of its Helia's libp2p listener (fixed, so a restarted node is redialled there). */
  ipfsPort: number;
  host: string;
  logDir: string;
  onCrash(crash: Crash): void;
}): Promise<LocalNode> {
  // The chain is new on every run, so the last run's journal, checkpoint and chain identity describe
  // nothing: they go. The IPFS blocks stay — content-addressed, they are right on any chain, and the seed
  // and the uploads find theirs already stored. (The indexer, started beside the node, reads them.)
  const dir = path.join(options.stateDir, "node");
  const dataDir = path.join(dir, "data");
  await mkdir(dataDir, { recursive: true });
  for (const entry of await readdir(dataDir)) {
    if (entry !== "ipfs") await rm(path.join(dataDir, entry), { recursive: true, force: true });
  }
  await mkdir(nodeBlockstoreDir(options.stateDir), { recursive: true });
  const modelId = await registerBuiltinModel(options.rpcUrl, options.deployment);
  const variationModelId = await registerBuiltinModel(options.rpcUrl, options.deployment, "art-variation");
  const configFile = path.join(dir, "atelier-node.json");
  await writeFile(path.join(dir, "node.key"), `${devPrivateKey(DEV_ACCOUNT.node)}\n`, { mode: 0o600 });
  await writeFile(
    configFile,
    `${JSON.stringify(
      {
        rpcUrl: options.rpcUrl,
        deployment: options.deploymentFile,
        keyFile: "node.key",
        dataDir: "data",
        models: [
          { id: modelId, manifest: "builtin:art" },
          { id: variationModelId, manifest: "builtin:art-variation" },
        ],
        provider: "auto",
        pollIntervalMs: 100,
        http: { host: options.host, port: options.gatewayPort },
        ipfs: { listenPort: options.ipfsPort },
        log: { level: "info", pretty: false },
      },
      null,
      2,
    )}\n`,
  );

  const minStake = await createPublicClient({ transport: http(options.rpcUrl) }).readContract({
    address: contractAddress(options.deployment, "GenerationMarket"),
    abi: generationMarketAbi,
    functionName: "minStake",
  });
  // Staking goes through the operator's own code path (what `atelier-node register` runs).
  const market = await connectMarket(loadConfig({ file: configFile }));
  await market.register([BigInt(modelId), BigInt(variationModelId)], minStake * 10n);

  const node = await supervise(
    "node",
    process.execPath,
    ["--import", "tsx", NODE_CLI, "-c", configFile, "start", "--no-progress"],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe", "ipc"], logDir: options.logDir, onCrash: options.onCrash },
  );
  const ready = await Promise.race([
    new Promise<{ url: string; provider: string }>((resolve) =>
      node.child.once("message", (message) => resolve(message as { url: string; provider: string })),
    ),
    node.exited.then((crash) => Promise.reject(new Error(describeCrash(crash)))),
  ]);
  node.child.disconnect();

  return {
    modelId,
    variationModelId,
    gatewayUrl: ready.url,
    ipfsAddr: `/ip4/127.0.0.1/tcp/${options.ipfsPort}`,
    provider: ready.provider,
    logFile: node.logFile,
    blockstoreDir: nodeBlockstoreDir(options.stateDir),
    stop: () => node.stop(),
  };
}
