/**
 * Assembles a running node from its configuration: chain clients, market binding, models (hash
 * checked against the on-chain registry), store, safety, watermark, journal, HTTP server.
 */
import path from "node:path";
import type { Logger } from "pino";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  formatEther,
  http,
  type Address,
  type Chain,
  type Transport,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Deployment } from "@atelier/protocol";
import { readDeployment } from "@atelier/protocol/node";
import { ConfigError, workersFor, type NodeConfig } from "./config.ts";
import { createAtelierMarket, type AtelierMarket, type NodeStanding } from "./chain/atelier.ts";
import { Journal } from "./journal.ts";
import { createLogger } from "./logger.ts";
import { createMetrics, type Metrics } from "./metrics.ts";
import { builtinManifestPath } from "./model/builtin.ts";
import { loadManifest } from "./model/manifest.ts";
import { GeneratorNode, type ServedModel } from "./node.ts";
import { createInProcessProducer, type ImageProducer, type ProducerOptions } from "./producer.ts";
import { ProducerPool, SharedProducer } from "./producer-pool.ts";
import { WorkerProducer } from "./producer-worker.ts";
import { PromptPolicy } from "./safety/policy.ts";
import { startServer } from "./server.ts";
import { describeError } from "./errors.ts";
import { checkStateIdentity } from "./state.ts";

/** where `npm run gpu:setup` installs packages that must stay out of the tracked lock file */
export const gpuPrefix = (dataDir: string): string => path.join(dataDir, "gpu");
import { HeliaStore, type ContentStore } from "./storage/ipfs.ts";

export interface NodeApp {
  node: GeneratorNode;
  market: AtelierMarket;
  url: string;
  provider: string;
  metrics: Metrics;
  stop(): Promise<void>;
}

export async function loadDeploymentFor(cfg: NodeConfig, chainId: number): Promise<Deployment> {
  const dep = await readDeployment(cfg.deployment ?? chainId);
  return { ...dep, contracts: { ...dep.contracts, ...(cfg.contracts as Record<string, Address>) } };
}

/** `http` with every JSON-RPC request reported to `onRequest` (the method name), for `/metrics`. */
function countedHttp(url: string, onRequest?: (method: string) => void): Transport {
  const base = http(url, { retryCount: 2, retryDelay: 100 });
  if (!onRequest) return base;
  return (args) => {
    const t = base(args);
    return {
      ...t,
      request: (req: { method: string }, options?: unknown) => {
        onRequest(req.method);
        return (t.request as (r: unknown, o?: unknown) => Promise<unknown>)(req, options);
      },
    } as ReturnType<Transport>;
  };
}

export async function chainClients(cfg: NodeConfig, onRequest?: (method: string) => void) {
  const probe = createPublicClient({ transport: http(cfg.rpcUrl) });
  const chainId = await probe.getChainId();
  const chain: Chain = defineChain({
    id: chainId,
    name: `chain-${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [cfg.rpcUrl] } },
  });
  const transport = countedHttp(cfg.rpcUrl, onRequest);
  const publicClient = createPublicClient({
    chain,
    transport,
    pollingInterval: Math.min(cfg.pollIntervalMs, 100),
    cacheTime: 0,
  });
  const account = privateKeyToAccount(cfg.privateKey.reveal() as `0x${string}`);
  const wallet = createWalletClient({ chain, transport, account, pollingInterval: 50, cacheTime: 0 });
  return { chainId, chain, publicClient, wallet, account };
}

export async function connectMarket(
  cfg: NodeConfig,
  onRequest?: (method: string) => void,
): Promise<AtelierMarket> {
  const { chainId, publicClient, wallet } = await chainClients(cfg, onRequest);
  const deployment = await loadDeploymentFor(cfg, chainId);
  return createAtelierMarket({ publicClient, wallet, deployment, pollingIntervalMs: cfg.pollIntervalMs });
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let p: Promise<void> | undefined;
  return () => (p ??= fn());
}

export interface StartOptions {
  log?: Logger;
  /** test hook: wrap the content store (e.g. to simulate an IPFS outage) */
  wrapStore?: (store: ContentStore) => ContentStore;
  /** how often the node's stake is re-read for /readyz (default 5 s) */
  standingIntervalMs?: number;
}

/** Why the node cannot claim with this standing, or undefined when it can. */
export function stakeProblem(st: NodeStanding): string | undefined {
  if (!st.registered) return "not registered: run `atelier-node register`";
  if (st.stake < st.minStake)
    return `stake ${formatEther(st.stake)} ETH is below the market minimum ${formatEther(st.minStake)} ETH: add stake with \`atelier-node register --stake <eth>\``;
  if (st.stake < st.claimLock)
    return `stake ${formatEther(st.stake)} ETH cannot cover one claim lock of ${formatEther(st.claimLock)} ETH`;
  return undefined;
}

async function listen(cfg: NodeConfig, deps: Parameters<typeof startServer>[0]) {
  try {
    return await startServer(deps, cfg.http.host, cfg.http.port);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" || code === "EACCES")
      throw new ConfigError(
        `HTTP port ${cfg.http.port} on ${cfg.http.host} is ${code === "EADDRINUSE" ? "already in use" : "not allowed"}: ` +
          `set "http.port" in ${cfg.configPath ?? "the config file"} or ATELIER_NODE_HTTP_PORT to a free port (0 picks one)`,
      );
    throw err;
  }
}

export async function startNodeApp(cfg: NodeConfig, opts: StartOptions = {}): Promise<NodeApp> {
  const log =
    opts.log ??
    createLogger({
      level: cfg.log.level,
      ...(cfg.log.pretty !== undefined ? { pretty: cfg.log.pretty } : {}),
    });
  const metrics = createMetrics();
  let standing: NodeStanding | undefined;
  // the port is taken first, before the chain and the models (seconds), so a clash fails at once
  // set once the models are loaded; /readyz answers "starting" until then
  const live: { node?: GeneratorNode; market?: AtelierMarket } = {};
  const models = new Map<bigint, ServedModel>();
  const policyModels: { id: string; name: string; resolution: unknown; minFeeWei: string }[] = [];
  const providers = new Set<string>();
  const providerErrors: string[] = [];
  let provider = "loading";
  const server = await listen(cfg, {
    registry: metrics.registry,
    // what a requester checks before paying: the dApp reads it from the endpoint the node publishes
    policy: () => ({
      ...(live.market
        ? { node: live.market.account, chainId: live.market.chainId, market: live.market.address }
        : { starting: true }),
      maxPromptBytes: cfg.safety.maxPromptBytes,
      minFeeWei: cfg.minFeeWei,
      models: policyModels,
    }),
    ready: () => {
      const node = live.node;
      if (!node) return { ready: false, detail: { reason: "starting: loading models" } };
      const chainOk = Date.now() - node.lastPollOk < cfg.pollIntervalMs * 4 + 5_000;
      const stake = standing ? stakeProblem(standing) : "stake not read yet";
      const reason = !chainOk ? "chain not polled recently" : stake;
      return {
        ready: chainOk && stake === undefined,
        detail: {
          ...(reason ? { reason } : {}),
          chain: chainOk,
          models: models.size,
          provider,
          ...(providerErrors.length ? { providerError: providerErrors.join("; ") } : {}),
          ...(standing
            ? {
                stakeWei: standing.stake.toString(),
                lockedWei: standing.locked.toString(),
                claimLockWei: standing.claimLock.toString(),
              }
            : {}),
          lastBlock: node.lastBlock.toString(),
        },
      };
    },
  });
  let market: AtelierMarket;
  try {
    market = await connectMarket(cfg, (method) => metrics.rpc.inc({ method }));
    log.info({ node: market.account, market: market.address, chainId: market.chainId }, "connected");
    live.market = market;
    await checkStateIdentity(cfg.dataDir, {
      chainId: market.chainId,
      genesisHash: await market.genesisHash(),
      market: market.address,
    });
    standing = await market.nodeStatus();
  } catch (err) {
    await server.close();
    throw err;
  }
  const cannotClaim = stakeProblem(standing);
  if (cannotClaim) log.warn({ node: market.account, reason: cannotClaim }, "node cannot claim jobs");

  const standingTimer = setInterval(() => {
    market.nodeStatus().then(
      (st) => {
        const before = standing && stakeProblem(standing);
        standing = st;
        const now = stakeProblem(st);
        if (now && now !== before) log.warn({ reason: now }, "node cannot claim jobs");
      },
      (err: unknown) => log.debug({ err: describeError(err) }, "stake refresh failed"),
    );
  }, opts.standingIntervalMs ?? 5_000);
  standingTimer.unref();
  const failStart = async (err: unknown): Promise<never> => {
    clearInterval(standingTimer);
    await server.close();
    for (const m of models.values()) await m.producer.close();
    throw err;
  };

  let safetyBackend = "disabled";
  let store: ContentStore;
  try {
    // a variation model runs on the producers of the model it varies (same graph and weights): load
    // that one first, then share its workers, sessions and classifiers instead of loading them again
    const byName = new Map<string, { producer: ImageProducer; hash: string }>();
    const ordered = [...cfg.models].sort(
      (a, b) =>
        Number(a.manifest === "builtin:art-variation") - Number(b.manifest === "builtin:art-variation"),
    );
    for (const m of ordered) {
      const manifestPath = m.manifest.startsWith("builtin:") ? builtinManifestPath(m.manifest) : m.manifest;
      const onChain = await market.modelWeightsHash(m.id);
      const loaded = await loadManifest(manifestPath, onChain); // throws on any hash mismatch
      const popts: ProducerOptions = {
        provider: cfg.provider,
        cudaDeviceId: cfg.cudaDeviceId,
        threads: cfg.threads,
        batchWindowMs: cfg.batchWindowMs,
        safety: { ...cfg.safety, gpuPrefix: gpuPrefix(cfg.dataDir) },
      };
      const base = loaded.manifest.variationOf ? byName.get(loaded.manifest.variationOf) : undefined;
      const shared =
        base && base.hash === loaded.hash ? new SharedProducer(loaded.manifest, base.producer) : undefined;
      const producer: ImageProducer = shared
        ? shared
        : cfg.modelWorker
          ? new ProducerPool(
              await Promise.all(
                Array.from({ length: workersFor(cfg.workers, loaded.manifest.kind) }, () =>
                  WorkerProducer.create(loaded, popts),
                ),
              ),
            )
          : await createInProcessProducer(loaded, popts);
      models.set(m.id, { modelId: m.id, producer, minFeeWei: m.minFeeWei });
      byName.set(loaded.manifest.name, { producer, hash: loaded.hash });
      policyModels.push({
        id: m.id.toString(),
        name: loaded.manifest.name,
        resolution: loaded.manifest.resolution,
        minFeeWei: (m.minFeeWei > BigInt(cfg.minFeeWei) ? m.minFeeWei : BigInt(cfg.minFeeWei)).toString(),
      });
      providers.add(producer.provider);
      safetyBackend = producer.safetyBackend;
      metrics.provider.set({ provider: producer.provider, model: loaded.manifest.name }, 1);
      metrics.modelMemory.set({ model: loaded.manifest.name, kind: "weights" }, loaded.onnx.length);
      metrics.modelMemory.set({ model: loaded.manifest.name, kind: "resident" }, producer.residentBytes ?? 0);
      metrics.modelMemory.set({ model: loaded.manifest.name, kind: "safety" }, producer.safetyBytes ?? 0);
      if (producer.providerError) {
        providerErrors.push(`${loaded.manifest.name}: ${producer.providerError}`);
        metrics.providerFallback.set({ model: loaded.manifest.name }, 1);
        log.error(
          { model: loaded.manifest.name, err: producer.providerError, cudaDeviceId: cfg.cudaDeviceId },
          'CUDA execution provider failed to load; running on CPU (set provider: "cpu" to silence, "cuda" to make it fatal)',
        );
      }
      log.info(
        {
          modelId: m.id.toString(),
          model: loaded.manifest.name,
          provider: producer.provider,
          weightsHash: loaded.hash,
          safety: producer.safetyBackend,
          ...(shared
            ? { sharesProducersOf: shared.sharedWith }
            : { workers: cfg.modelWorker ? workersFor(cfg.workers, loaded.manifest.kind) : 0 }),
          ...(m.minFeeWei > 0n ? { minFeeWei: m.minFeeWei.toString() } : {}),
        },
        "model loaded",
      );
    }
    provider = [...providers].join(",");
    log.info({ backend: safetyBackend, threshold: cfg.safety.threshold }, "output safety check ready");

    const { listenPort, peers, fetchTimeoutMs } = cfg.ipfs;
    const heliaStore = await HeliaStore.open({
      dir: path.join(cfg.dataDir, "ipfs"),
      ...(cfg.ipfs.kuboUrl ? { kubo: { url: cfg.ipfs.kuboUrl } } : {}),
      ...(listenPort !== undefined || peers.length > 0
        ? { network: { listenPort, peers, fetchTimeoutMs } }
        : {}),
    });
    const listening = heliaStore.multiaddrs();
    log.info(
      listening.length > 0 ? { multiaddrs: listening, peers } : { offline: true },
      listening.length > 0 ? "IPFS peer listening (loopback libp2p)" : "IPFS offline (no libp2p)",
    );
    store = opts.wrapStore ? opts.wrapStore(heliaStore) : heliaStore;
  } catch (err) {
    return failStart(err);
  }
  server.setStore(store);
  const journal = await Journal.open(cfg.dataDir, () => metrics.journalWrites.inc());
  const running = new GeneratorNode(
    {
      market,
      journal,
      store,
      policy: new PromptPolicy(cfg.safety),
      models,
      log,
      metrics,
    },
    {
      concurrency: cfg.concurrency,
      pollIntervalMs: cfg.pollIntervalMs,
      logChunk: cfg.logChunk,
      startBlock: BigInt(market.deployment.startBlock),
      expectedJobMs: cfg.claim.expectedJobMs,
      releaseMarginMs: cfg.claim.releaseMarginMs,
      unsafeRerolls: cfg.safety.rerolls,
      retries: cfg.retries,
      minFeeWei: BigInt(cfg.minFeeWei),
      journalRetentionMs: cfg.journalRetentionDays * 24 * 3600_000,
    },
  );
  live.node = running;
  await running.start();
  log.info(
    { url: server.url, provider, concurrency: cfg.concurrency },
    "generator node started (gateway at /ipfs/<cid>, /metrics, /healthz, /readyz)",
  );
  return {
    node: running,
    market,
    url: server.url,
    provider,
    metrics,
    stop: once(async () => {
      clearInterval(standingTimer);
      await running.stop();
      await server.close();
      await store.close();
      for (const m of models.values()) await m.producer.close();
      log.info("generator node stopped");
    }),
  };
}
