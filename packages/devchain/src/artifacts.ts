import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { REPO_ROOT } from "./repo.ts";

const ARTIFACTS_DIR = path.join(REPO_ROOT, "artifacts/contracts/src");

/** The fields of a Hardhat artifact that the ABI export and the deployment checks read. */
export interface ContractArtifact {
  contractName: string;
  sourceName: string;
  abi: unknown[];
  bytecode: string;
  deployedBytecode: string;
  linkReferences?: Record<string, unknown>;
  deployedLinkReferences?: Record<string, unknown>;
  immutableReferences?: Record<string, { start: number; length: number }[]>;
}

/**
 * Every deployable contract compiled from contracts/src, sorted by name. Interfaces and abstract
 * contracts have no bytecode and internal-only libraries have an empty ABI: both are left out.
 */
export async function readContractArtifacts(): Promise<ContractArtifact[]> {
  const files = await listJson(ARTIFACTS_DIR).catch(() => {
    throw new Error(`no artifacts under ${ARTIFACTS_DIR}: run \`npx hardhat build\` first`);
  });
  const artifacts: ContractArtifact[] = [];
  for (const file of files) {
    const artifact = JSON.parse(await readFile(file, "utf8")) as ContractArtifact;
    if (typeof artifact.contractName !== "string" || !Array.isArray(artifact.abi)) continue;
    if (artifact.bytecode === "0x" || artifact.bytecode === "" || artifact.abi.length === 0) continue;
    artifacts.push(artifact);
  }
  return artifacts.sort((a, b) => a.contractName.localeCompare(b.contractName));
}

async function listJson(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return listJson(full);
      return entry.name.endsWith(".json") && !entry.name.endsWith(".dbg.json") ? [full] : [];
    }),
  );
  return nested.flat();
}
