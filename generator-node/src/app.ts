/**
 * Assembles a running node from its configuration: chain clients, market binding, models (hash
 * checked against the on-chain registry), store, safety, watermark, journal, HTTP server.
 */
import path from "node:path";
import type { Logger } from "pino";
import { createPublicClient, createWalletClient, defineChain, http, type Address, type Chain } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Deployment } from "@atelier/protocol";
import { readDeployment } from "@atelier/protocol/node";
import type { NodeConfig } from "./config.ts";
import { createAtelierMarket, type AtelierMarket } from "./chain/atelier.ts";
import { Journal } from "./journal.ts";
import { createLogger } from "./logger.ts";
import { createMetrics, type Metrics } from "./metrics.ts";
import { builtinManifestPath } from "./model/builtin.ts";
import { loadManifest } from "./model/manifest.ts";
import { GeneratorNode, type ServedModel } from "./node.ts";
import {
  createInProcessProducer,
  ProducerPool,
  WorkerProducer,
  type ImageProducer,
  type ProducerOptions,
} from "./producer.ts";
import { PromptPolicy } from "./safety/policy.ts";
import { startServer } from "./server.ts";
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

export async function chainClients(cfg: NodeConfig) {
  const probe = createPublicClient({ transport: http(cfg.rpcUrl) });
  const chainId = await probe.getChainId();
  const chain: Chain = defineChain({
    id: chainId,
    name: `chain-${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [cfg.rpcUrl] } },
  });
  const transport = http(cfg.rpcUrl, { retryCount: 2, retryDelay: 100 });
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

export async function connectMarket(cfg: NodeConfig): Promise<AtelierMarket> {
  const { chainId, publicClient, wallet } = await chainClients(cfg);
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
}

export async function startNodeApp(cfg: NodeConfig, opts: StartOptions = {}): Promise<NodeApp> {
  const log =
    opts.log ??
    createLogger({
      level: cfg.log.level,
      ...(cfg.log.pretty !== undefined ? { pretty: cfg.log.pretty } : {}),
    });
  const metrics = createMetrics();
  const market = await connectMarket(cfg);
  log.info({ node: market.account, market: market.address, chainId: market.chainId }, "connected");
  const reg = (await market.nodeStatus()) as { registered?: boolean; stake?: bigint; locked?: bigint };
  if (!reg.registered)
    log.warn(
      { node: market.account },
      "this node is not registered: run `atelier-node register` before it can claim jobs",
    );

  const models = new Map<bigint, ServedModel>();
  const providers = new Set<string>();
  let safetyBackend = "disabled";
  for (const m of cfg.models) {
    const manifestPath = m.manifest.startsWith("builtin:") ? builtinManifestPath(m.manifest) : m.manifest;
    const onChain = await market.modelWeightsHash(m.id);
    const loaded = await loadManifest(manifestPath, onChain); // throws on any hash mismatch
    const popts: ProducerOptions = {
      provider: cfg.provider,
      threads: cfg.threads,
      batchWindowMs: cfg.batchWindowMs,
      safety: cfg.safety,
    };
    const producer: ImageProducer = cfg.modelWorker
      ? new ProducerPool(
          await Promise.all(Array.from({ length: cfg.workers }, () => WorkerProducer.create(loaded, popts))),
        )
      : await createInProcessProducer(loaded, popts);
    providers.add(producer.provider);
    safetyBackend = producer.safetyBackend;
    metrics.provider.set({ provider: producer.provider, model: loaded.manifest.name }, 1);
    metrics.modelMemory.set({ model: loaded.manifest.name, kind: "weights" }, loaded.onnx.length);
    metrics.modelMemory.set({ model: loaded.manifest.name, kind: "resident" }, producer.residentBytes ?? 0);
    log.info(
      {
        modelId: m.id.toString(),
        model: loaded.manifest.name,
        provider: producer.provider,
        weightsHash: loaded.hash,
        safety: producer.safetyBackend,
        workers: cfg.modelWorker ? cfg.workers : 0,
      },
      "model loaded",
    );
    models.set(m.id, { modelId: m.id, producer });
  }
  const provider = [...providers].join(",");
  log.info({ backend: safetyBackend, threshold: cfg.safety.threshold }, "output safety check ready");

  const heliaStore = await HeliaStore.open({
    dir: path.join(cfg.dataDir, "ipfs"),
    ...(cfg.ipfs.kuboUrl ? { kubo: { url: cfg.ipfs.kuboUrl } } : {}),
  });
  const store = opts.wrapStore ? opts.wrapStore(heliaStore) : heliaStore;
  const journal = await Journal.open(cfg.dataDir);
  const node = new GeneratorNode(
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
      retries: cfg.retries,
      journalRetentionMs: cfg.journalRetentionDays * 24 * 3600_000,
    },
  );
  const server = await startServer(
    {
      store,
      registry: metrics.registry,
      ready: () => {
        const chainOk = Date.now() - node.lastPollOk < cfg.pollIntervalMs * 4 + 5_000;
        return {
          ready: chainOk,
          detail: { chain: chainOk, models: models.size, provider, lastBlock: node.lastBlock.toString() },
        };
      },
    },
    cfg.http.host,
    cfg.http.port,
  );
  await node.start();
  log.info(
    { url: server.url, provider, concurrency: cfg.concurrency },
    "generator node started (gateway at /ipfs/<cid>, /metrics, /healthz, /readyz)",
  );
  return {
    node,
    market,
    url: server.url,
    provider,
    metrics,
    stop: once(async () => {
      await node.stop();
      await server.close();
      await store.close();
      for (const m of models.values()) await m.producer.close();
      log.info("generator node stopped");
    }),
  };
}
