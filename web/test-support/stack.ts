/**
 * The whole stack the e2e tests drive: a Hardhat node with the contracts, the seeded market, the
 * generator node (art model and ×4 upscaler; its gateway serves every block), the Ponder indexer, and
 * the built dApp server pointed at all of them.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { FsBlockstore } from "blockstore-fs";
import { CID } from "multiformats/cid";
import { createPublicClient, http, type Address } from "viem";
import { deployAtelier, startHardhatNode } from "@atelier/devchain";
import type { Deployment } from "@atelier/protocol";
import { startPonder } from "@atelier/indexer/test-support";
import { startApp } from "./app.ts";
import { blockstoreOf, registerModels, startNode } from "@atelier/seed/test-support/node";
import { seedMarket } from "./seed.ts";

/** What the tests read (written as JSON by the global setup, path in ATELIER_E2E_STATE). */
export interface StackState {
  appUrl: string;
  rpcUrl: string;
  chainId: number;
  gateway: string;
  indexUrl: string;
  deployment: Deployment;
  token: Address;
  /** The generator node: its account and the models it serves. */
  node: { address: Address; artModelId: number; upscaleModelId: number };
  works: { id: string; title: string; creator: Address; imageFile?: string; watermarkId?: string }[];
  unmarkedFile: string;
  dir: string;
}

export interface RunningStack {
  state: StackState;
  stop(): Promise<void>;
}

export async function startStack(log: (line: string) => void = () => {}): Promise<RunningStack> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-web-e2e-"));
    const chain = await startHardhatNode();
    stops.push(chain.stop);
    const deployment = await deployAtelier({ rpcUrl: chain.rpcUrl });
    const deploymentFile = path.join(dir, "deployment.json");
    await writeFile(deploymentFile, JSON.stringify(deployment));
    log(`chain ${chain.rpcUrl}, contracts deployed`);
    const models = await registerModels(chain.rpcUrl, deployment);
    const seed = await seedMarket(chain.rpcUrl, deployment);
    log(
      `seeded ${seed.works.length} works, models ${models.artModelId} (art) and ${models.upscaleModelId} (upscale)`,
    );

    // One blockstore, the generator node's (as under npm start): the seeded blocks, the dApp's uploads
    // (ATELIER_UPLOADS_BLOCKSTORE) and the node's own works. The node's gateway serves it, the indexer
    // reads metadata from it, and the node reads a parent's image from it for a remix.
    const nodeDir = path.join(dir, "node");
    const blockstoreDir = blockstoreOf(nodeDir);
    await mkdir(blockstoreDir, { recursive: true });
    const store = new FsBlockstore(blockstoreDir);
    await store.open();
    for (const block of seed.blocks) await store.put(CID.parse(block.cid), block.bytes);
    await store.close();

    // The node (model loading takes seconds) and Ponder (its own start) come up side by side.
    const [nodeStarted, ponderStarted] = await Promise.allSettled([
      startNode({ rpcUrl: chain.rpcUrl, deployment, deploymentFile, dataDir: nodeDir, models }),
      startPonder({ rpcUrl: chain.rpcUrl, deployment, blockstoreDir }),
    ]);
    if (nodeStarted.status === "fulfilled") stops.push(nodeStarted.value.stop);
    if (ponderStarted.status === "fulfilled") stops.push(ponderStarted.value.stop);
    if (nodeStarted.status === "rejected") throw nodeStarted.reason;
    if (ponderStarted.status === "rejected") throw ponderStarted.reason;
    const node = nodeStarted.value;
    const ponder = ponderStarted.value;
    log(`generator node ${node.url}`);
    const client = createPublicClient({ transport: http(chain.rpcUrl) });
    await ponder.waitForBlock(await client.getBlockNumber({ cacheTime: 0 }));
    // Metadata is fetched in the background and written when a block arrives: mine until none is pending.
    for (let i = 0; i < 100; i++) {
      await client.request({ method: "evm_mine" as never, params: [] as never });
      await ponder.waitForBlock(await client.getBlockNumber({ cacheTime: 0 }));
      const pending = await ponder.graphql<{ workMetadatas: { items: unknown[] } }>(
        `{ workMetadatas(where: { status: "pending" }) { items { id } } }`,
      );
      if (pending.workMetadatas.items.length === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    log(`ponder ${ponder.url} indexed`);

    const indexUrl = `${ponder.url}/graphql`;
    const app = await startApp({
      ATELIER_RPC_URL: chain.rpcUrl,
      ATELIER_DEPLOYMENT: deploymentFile,
      ATELIER_INDEX_URL: indexUrl,
      ATELIER_INDEX_KIND: "ponder",
      ATELIER_IPFS_GATEWAY: node.url,
      ATELIER_UPLOADS_DIR: path.join(dir, "uploads"),
      ATELIER_UPLOADS_BLOCKSTORE: blockstoreDir,
      // Three per page: paging is exercised.
      ATELIER_EXPLORE_PAGE_SIZE: "3",
    });
    stops.push(app.stop);
    log(`dApp ${app.url}`);

    const works: StackState["works"] = [];
    for (const w of seed.works) {
      let imageFile: string | undefined;
      if (w.image) {
        imageFile = path.join(dir, `work-${w.id}.jpg`);
        await writeFile(imageFile, w.image.bytes);
      }
      works.push({
        id: w.id.toString(),
        title: w.title,
        creator: w.creator,
        imageFile,
        watermarkId: w.image?.watermarkId.toString(),
      });
    }
    const unmarkedFile = path.join(dir, "unmarked.jpg");
    await writeFile(unmarkedFile, seed.unmarked);
    return {
      state: {
        appUrl: app.url,
        rpcUrl: chain.rpcUrl,
        chainId: deployment.chainId,
        gateway: node.url,
        indexUrl,
        deployment,
        token: seed.token,
        node: { address: node.address, artModelId: node.artModelId, upscaleModelId: node.upscaleModelId },
        works,
        unmarkedFile,
        dir,
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
