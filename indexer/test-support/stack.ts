/** Shared setup of the indexer tests: a chain with the scenario, its metadata in a blockstore, the subgraph host. */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { FsBlockstore } from "blockstore-fs";
import { CID } from "multiformats/cid";
import { createPublicClient, http, type PublicClient } from "viem";
import type { Deployment } from "@atelier/protocol";
import { deployAtelier, startHardhatNode, type RunningChain } from "@atelier/devchain";
import {
  logsForHost,
  readEntityTypes,
  SUBGRAPH_BUILD,
  SUBGRAPH_SCHEMA,
  SubgraphHost,
  type EntityType,
} from "@atelier/subgraph/host";
import { blockstoreSource } from "../lib/metadata.ts";
import { runScenario, type ScenarioResult } from "../scenario/index.ts";
import { subgraphTables, type Tables } from "./conformance.ts";

export interface ScenarioStack {
  chain: RunningChain;
  deployment: Deployment;
  scenario: ScenarioResult;
  blockstoreDir: string;
  types: Map<string, EntityType>;
  host: SubgraphHost;
  subgraph: Tables;
  client: PublicClient;
}

export async function startScenarioStack(): Promise<ScenarioStack> {
  const chain = await startHardhatNode();
  const deployment = await deployAtelier({ rpcUrl: chain.rpcUrl });
  const scenario = await runScenario(chain.rpcUrl, deployment);
  const blockstoreDir = await mkdtemp(path.join(tmpdir(), "atelier-blocks-"));
  const store = new FsBlockstore(blockstoreDir);
  await store.open();
  for (const block of scenario.metadata.values()) await store.put(CID.parse(block.cid), block.bytes);
  await store.close();

  const client = createPublicClient({ transport: http(chain.rpcUrl) }) as PublicClient;
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
