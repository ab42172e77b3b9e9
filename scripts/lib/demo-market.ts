/**
 * The demo market of `npm start` (`@atelier/seed`), after the first generated work: uploads stored through
 * the dApp's upload core (`@atelier/uploads`) into the blockstore the node's gateway serves and the indexer
 * reads, minted with their offers, licences, the derivative, the sold-out exclusive and the flagged work;
 * then the generation jobs and the AI remix, which the running node fulfils while the stack is already in
 * use. Idempotent: on a chain that has it, nothing is sent.
 */
import path from "node:path";
import type { Address } from "viem";
import type { Deployment } from "@atelier/protocol";
import { openUploads, type Uploads } from "@atelier/uploads";
import {
  ACCOUNTS,
  handlerSink,
  JOBS,
  pictureFrom,
  seedChain,
  seedGenerated,
  seedUploads,
  type SeededWork,
  type Tally,
} from "@atelier/seed";

export const seedCacheDir = (stateDir: string) => path.join(stateDir, "cache", "seed");

export interface MarketUploads {
  token: Address;
  works: SeededWork[];
  tally: Tally;
  /** The highest work id it holds (wait for the indexer to have this one). */
  lastWorkId: bigint;
  store: Uploads;
}

export async function seedMarketUploads(options: {
  rpcUrl: string;
  deployment: Deployment;
  stateDir: string;
  blockstoreDir: string;
  log(line: string): void;
}): Promise<MarketUploads> {
  const store = await openUploads({
    dir: path.join(options.stateDir, "seed", "store"),
    blocksDir: options.blockstoreDir,
  });
  try {
    const chain = seedChain(options.rpcUrl, options.deployment);
    const seeded = await seedUploads({
      chain,
      content: handlerSink(store.handle),
      picture: pictureFrom(seedCacheDir(options.stateDir)),
      log: options.log,
    });
    const works = [...seeded.works.values()];
    return {
      token: seeded.token,
      works,
      tally: seeded.tally,
      lastWorkId: works.reduce((max, w) => (w.workId > max ? w.workId : max), 0n),
      store,
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** What the banner says is still on its way while the node makes it. */
export const STILL_SEEDING = `${JOBS.length} generation jobs and an AI remix (a variation of work 1) for the node`;

export function seedMarketJobs(options: {
  rpcUrl: string;
  deployment: Deployment;
  token: Address;
  models: { art: number; variation: number };
  demoWorkId: bigint;
  demoPrompt: string;
  log(line: string): void;
}): Promise<{ works: SeededWork[]; tally: Tally }> {
  return seedGenerated({
    chain: seedChain(options.rpcUrl, options.deployment),
    token: options.token,
    models: options.models,
    // npm start's first work belongs to the requester account (dev account 1, the seed's Ines).
    remixOf: { workId: options.demoWorkId, owner: ACCOUNTS.ines, title: options.demoPrompt },
    log: options.log,
  });
}
