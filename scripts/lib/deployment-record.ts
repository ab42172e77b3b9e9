/**
 * What `npm run deploy` reads back from Hardhat Ignition's journal of a deployment
 * (`<ignition dir>/deployments/<id>/journal.jsonl`): the first block it wrote to (indexers start there,
 * also after a resumed deployment) and the constructor arguments each contract was deployed with (for
 * source verification).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Address } from "viem";
import type { Deployment } from "@atelier/protocol";

interface JournalEntry {
  type?: string;
  futureId?: string;
  contractName?: string;
  constructorArgs?: unknown[];
  receipt?: { blockNumber?: number };
}

/** Ignition writes bigints as `{ "_kind": "bigint", "value": "…" }`. */
const revive = (_key: string, value: unknown): unknown =>
  typeof value === "object" &&
  value !== null &&
  (value as { _kind?: unknown })._kind === "bigint" &&
  typeof (value as { value?: unknown }).value === "string"
    ? BigInt((value as { value: string }).value)
    : value;

async function readJournal(journalDir: string): Promise<JournalEntry[]> {
  let text: string;
  try {
    text = await readFile(path.join(journalDir, "journal.jsonl"), "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line, revive) as JournalEntry);
}

/** The block of the deployment's first confirmed transaction, or undefined without a journal. */
export async function ignitionJournalStartBlock(journalDir: string): Promise<number | undefined> {
  const blocks = (await readJournal(journalDir))
    .filter((entry) => entry.type === "TRANSACTION_CONFIRM" && typeof entry.receipt?.blockNumber === "number")
    .map((entry) => entry.receipt?.blockNumber as number);
  return blocks.length === 0 ? undefined : Math.min(...blocks);
}

export interface VerificationTarget {
  contractName: string;
  address: Address;
  constructorArgs: unknown[];
}

/** `contracts/src/<Name>.sol`: every deployable lives in a file of its own name. */
export const sourceNameOf = (contractName: string): string => `contracts/src/${contractName}.sol`;

/**
 * Each deployed contract with the arguments its constructor got. `Licenses` has no deployment transaction of
 * its own: the `Works` constructor creates it with `(admin, works, terms, treasury, licenseFeeBps)`.
 */
export async function verificationTargets(
  journalDir: string,
  deployment: Deployment,
): Promise<VerificationTarget[]> {
  const args = new Map<string, unknown[]>();
  for (const entry of await readJournal(journalDir)) {
    if (entry.type === "DEPLOYMENT_EXECUTION_STATE_INITIALIZE" && entry.contractName) {
      args.set(entry.contractName, entry.constructorArgs ?? []);
    }
  }
  const targets: VerificationTarget[] = [];
  for (const [contractName, address] of Object.entries(deployment.contracts)) {
    if (contractName === "Licenses") {
      const works = args.get("Works");
      if (works === undefined) continue;
      const [admin, terms, treasury, licenseFeeBps] = works;
      targets.push({
        contractName,
        address,
        constructorArgs: [admin, deployment.contracts.Works, terms, treasury, licenseFeeBps],
      });
      continue;
    }
    const constructorArgs = args.get(contractName);
    if (constructorArgs !== undefined) targets.push({ contractName, address, constructorArgs });
  }
  return targets;
}
