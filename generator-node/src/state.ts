/**
 * Which chain the node's persisted state (journal + follow checkpoint) belongs to. A data dir made
 * against one chain must never drive a node on another: a restarted local chain has a new genesis
 * and a lower head, so its checkpoint would silently skip every new request. The identity is
 * written next to the journal on first start and compared on every start.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, readdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Address, Hex } from "viem";

export interface ChainIdentity {
  chainId: number;
  genesisHash: Hex;
  market: Address;
}

const FILE = "state.json";
/** what `--reset-state` moves aside (the IPFS store is content-addressed and stays valid) */
const STATE_ENTRIES = ["journal", FILE];

export class StaleStateError extends Error {
  override name = "StaleStateError";
}

const same = (a: string | number, b: string | number) => String(a).toLowerCase() === String(b).toLowerCase();

/** Records `id` for a fresh data dir; throws {@link StaleStateError} when the data dir belongs elsewhere. */
export async function checkStateIdentity(dataDir: string, id: ChainIdentity): Promise<void> {
  const file = path.join(dataDir, FILE);
  if (!existsSync(file)) {
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(id, null, 2) + "\n");
    return;
  }
  const saved = JSON.parse(await readFile(file, "utf8")) as Partial<ChainIdentity>;
  const diffs = (Object.keys(id) as (keyof ChainIdentity)[])
    .filter((k) => saved[k] === undefined || !same(saved[k], id[k]))
    .map((k) => `${k} ${String(saved[k])} in the state, ${String(id[k])} on the chain`);
  if (diffs.length === 0) return;
  throw new StaleStateError(
    `the node's state in ${dataDir} belongs to another chain or market (${diffs.join("; ")}), ` +
      `e.g. a local chain that was restarted. Its journal and checkpoint would make the node skip new jobs. ` +
      `Run \`atelier-node start --reset-state\` to move the old state aside (to ${path.join(dataDir, "stale-<time>")}) ` +
      `and start fresh, or point dataDir at that chain's state.`,
  );
}

/** Moves the journal and identity aside into `dataDir/stale-<time>/`; returns that folder. */
export async function resetState(dataDir: string): Promise<string | undefined> {
  if (!existsSync(dataDir)) return undefined;
  const present = (await readdir(dataDir)).filter((n) => STATE_ENTRIES.includes(n));
  if (present.length === 0) return undefined;
  const aside = path.join(dataDir, `stale-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  await mkdir(aside, { recursive: true });
  for (const n of present) await rename(path.join(dataDir, n), path.join(aside, n));
  return aside;
}
