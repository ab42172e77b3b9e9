/**
 * `.atelier/`, the local stack's state, and `npm start -- --fresh`, which wipes it. What lives there:
 * `node/` (the generator node's config, key, journal and IPFS blocks), `indexer/` (Ponder's PGlite),
 * `uploads/` and `seed/` (the upload stores' pin datastores), `ignition/` (deployment journals), `logs/`,
 * and `cache/` (pictures the seed renders, keyed by everything they are made from: derived data, kept by
 * `--fresh` so that a fresh start does not pay ~10 CPU-s to render them again).
 */
import { existsSync } from "node:fs";
import { readdir, rm } from "node:fs/promises";
import path from "node:path";

export const KEPT_BY_FRESH = ["cache"];

/** Removes everything under `stateDir` but the cache; returns the names it removed. */
export async function wipeLocalState(stateDir: string): Promise<string[]> {
  if (!existsSync(stateDir)) return [];
  const removed: string[] = [];
  for (const entry of (await readdir(stateDir)).sort()) {
    if (KEPT_BY_FRESH.includes(entry)) continue;
    await rm(path.join(stateDir, entry), { recursive: true, force: true });
    removed.push(entry);
  }
  return removed;
}
