/** Shared setup of the indexer tests: a chain with the scenario, its metadata in a blockstore, the subgraph host. */
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { FsBlockstore } from "blockstore-fs";
import { CID } from "multiformats/cid";
import type { PublicClient } from "viem";
import type { Deployment } from "@atelier/protocol";
import { deployAtelier, REPO_ROOT, startHardhatNode, type RunningChain } from "@atelier/devchain";
import { devClients } from "@atelier/devchain/test-support";
import {
  logsForHost,
  readEntityTypes,
  SUBGRAPH_BUILD,
  SUBGRAPH_SCHEMA,
  SubgraphHost,
  type EntityType,
} from "@atelier/subgraph/host";
import { blockstoreSource } from "../lib/metadata.ts";
import { runScenario, type ScenarioResult } from "@atelier/devchain/scenario";
import { rawBlock, type StoredMetadata } from "@atelier/devchain/scenario";
import { ponderTables, subgraphTables, type Tables } from "./conformance.ts";
import { startPonder, type PonderOptions, type RunningPonder } from "./ponder.ts";

export interface ScenarioStack {
  chain: RunningChain;
  deployment: Deployment;
  scenario: ScenarioResult;
  blockstoreDir: string;
  types: Map<string, EntityType>;
  host: SubgraphHost;
  subgraph: Tables;
  client: PublicClient;
  /** CIDs of the preset terms' legal texts (what the deployment registers), by preset. */
  legalTexts: Map<string, string>;
  /** The preset whose text is left out of the blockstore (stays pending). */
  missingLegalText: string;
}

const TERMS_DIR = path.join(REPO_ROOT, "contracts/terms");
const MISSING_LEGAL_TEXT = "ai-training";

/** The legal texts the deployment's preset terms name (contracts/terms/<preset>/v1.md), as raw blocks. */
async function presetLegalTexts(): Promise<Map<string, StoredMetadata>> {
  const presets = (await readdir(TERMS_DIR, { withFileTypes: true })).filter((e) => e.isDirectory());
  const out = new Map<string, StoredMetadata>();
  for (const p of presets) out.set(p.name, rawBlock(await readFile(path.join(TERMS_DIR, p.name, "v1.md"))));
  return out;
}

export async function startScenarioStack(): Promise<ScenarioStack> {
  const chain = await startHardhatNode();
  const deployment = await deployAtelier({ rpcUrl: chain.rpcUrl });
  const scenario = await runScenario(chain.rpcUrl, deployment);
  const blockstoreDir = await mkdtemp(path.join(tmpdir(), "atelier-blocks-"));
  const store = new FsBlockstore(blockstoreDir);
  await store.open();
  for (const block of scenario.metadata.values()) await store.put(CID.parse(block.cid), block.bytes);
  const texts = await presetLegalTexts();
  for (const [preset, block] of texts)
    if (preset !== MISSING_LEGAL_TEXT) await store.put(CID.parse(block.cid), block.bytes);
  await store.close();

  const { client } = devClients(chain.rpcUrl, deployment.chainId);
  const types = await readEntityTypes(SUBGRAPH_SCHEMA);
  const host = await SubgraphHost.load({
    buildDir: SUBGRAPH_BUILD,
    schemaFile: SUBGRAPH_SCHEMA,
    contracts: deployment.contracts,
  });
  for (const log of await logsForHost(
    client,
    Object.values(deployment.contracts),
    BigInt(deployment.startBlock),
    scenario.toBlock,
  )) {
    host.handleLog(log);
  }
  const source = blockstoreSource(blockstoreDir);
  await host.processFiles((cid) => source.get(CID.parse(cid)));
  return {
    chain,
    deployment,
    scenario,
    blockstoreDir,
    types,
    host,
    subgraph: subgraphTables(types, (t) => host.entities(t)),
    client,
    legalTexts: new Map([...texts].map(([preset, block]) => [preset, block.cid])),
    missingLegalText: MISSING_LEGAL_TEXT,
  };
}

/** Mines empty blocks until Ponder has resolved every metadata object it can (or the time is up). */
export async function settleMetadata(
  stack: ScenarioStack,
  ponder: { waitForBlock(b: bigint): Promise<void>; graphql<T>(q: string): Promise<T> },
  expectPending: number,
) {
  const until = Date.now() + 60_000;
  for (;;) {
    await stack.client.request({ method: "evm_mine" as never, params: [] as never });
    await ponder.waitForBlock(await stack.client.getBlockNumber({ cacheTime: 0 }));
    const data = await ponder.graphql<{ workMetadatas: { items: unknown[] } }>(
      `{ workMetadatas(where: { status: "pending" }) { items { id } } }`,
    );
    if (data.workMetadatas.items.length <= expectPending || Date.now() > until) return;
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Ponder on the stack's chain and blockstore, its database in `dataDir` (PGlite) or at `databaseUrl`. */
export function startPonderOn(
  stack: ScenarioStack,
  database: Pick<PonderOptions, "dataDir" | "databaseUrl">,
): Promise<RunningPonder> {
  return startPonder({
    rpcUrl: stack.chain.rpcUrl,
    deployment: stack.deployment,
    blockstoreDir: stack.blockstoreDir,
    ...database,
  });
}

/** Ponder caught up on the scenario with its metadata resolved (what it can), and its tables. */
export async function indexScenario(
  stack: ScenarioStack,
  database: Pick<PonderOptions, "dataDir" | "databaseUrl">,
): Promise<{ ponder: RunningPonder; rows: Tables }> {
  const ponder = await startPonderOn(stack, database);
  await ponder.waitForBlock(stack.scenario.toBlock);
  await settleMetadata(stack, ponder, stack.scenario.missingCids.length);
  return { ponder, rows: await ponderTables(stack.types, ponder) };
}
