/**
 * The whole stack the e2e tests drive: a Hardhat node with the contracts, the seeded market, its
 * blocks behind an IPFS gateway, the Ponder indexer, and the built dApp server pointed at all of them.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { FsBlockstore } from "blockstore-fs";
import { CID } from "multiformats/cid";
import { createPublicClient, http, type Address } from "viem";
import { deployAtelier, startHardhatNode } from "@atelier/devchain";
import type { Deployment } from "@atelier/protocol";
import { startPonder } from "@atelier/indexer/test-support";
import { startApp } from "./app.ts";
import { startGateway } from "./gateway.ts";
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
    log(`chain ${chain.rpcUrl}, contracts deployed`);
    const seed = await seedMarket(chain.rpcUrl, deployment);
    log(`seeded ${seed.works.length} works`);

    // One blockstore for the seeded blocks and the dApp's uploads (ATELIER_UPLOADS_DIR/blocks): the
    // gateway serves it and the indexer reads metadata from it, so a work minted from an upload in a
    // test is indexed and shown like a seeded one.
    const uploadsDir = path.join(dir, "uploads");
    const blockstoreDir = path.join(uploadsDir, "blocks");
    const store = new FsBlockstore(blockstoreDir);
    await store.open();
    for (const block of seed.blocks) await store.put(CID.parse(block.cid), block.bytes);
    await store.close();
    const gateway = await startGateway(new Map(seed.blocks.map((b) => [b.cid, b.bytes])), blockstoreDir);
    stops.push(gateway.stop);

    const ponder = await startPonder({ rpcUrl: chain.rpcUrl, deployment, blockstoreDir });
    stops.push(ponder.stop);
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

    const deploymentFile = path.join(dir, "deployment.json");
    await writeFile(deploymentFile, JSON.stringify(deployment));
    const indexUrl = `${ponder.url}/graphql`;
    const app = await startApp({
      ATELIER_RPC_URL: chain.rpcUrl,
      ATELIER_DEPLOYMENT: deploymentFile,
      ATELIER_INDEX_URL: indexUrl,
      ATELIER_INDEX_KIND: "ponder",
      ATELIER_IPFS_GATEWAY: gateway.url,
      ATELIER_UPLOADS_DIR: uploadsDir,
      // Four works, three per page: paging is exercised.
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
        gateway: gateway.url,
        indexUrl,
        deployment,
        token: seed.token,
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
