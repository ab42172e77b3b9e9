import { readFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { DeploymentError, parseDeployment, type Deployment } from "./deployment.ts";

/** The folder of per-network deployment files inside this package. */
export const DEPLOYMENTS_DIR = path.resolve(import.meta.dirname, "../deployments");

export function deploymentFile(chainId: number, dir = DEPLOYMENTS_DIR): string {
  return path.join(dir, `${chainId}.json`);
}

/** Reads and validates `deployments/<chainId>.json` (or an explicit file path). */
export async function readDeployment(chainIdOrFile: number | string): Promise<Deployment> {
  const file = typeof chainIdOrFile === "number" ? deploymentFile(chainIdOrFile) : chainIdOrFile;
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new DeploymentError(
      `no deployment file at ${file}`,
      "start the local stack with `npm start`, which deploys the contracts and writes it",
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DeploymentError(`${file} is not valid JSON`, "delete it and run `npm start` again");
  }
  return parseDeployment(json, file);
}

/** Writes the file atomically (temp file + rename) so readers never see half of it. */
export async function writeDeployment(deployment: Deployment, file = deploymentFile(deployment.chainId)) {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(deployment, null, 2)}\n`);
  await rename(temp, file);
  return file;
}

/** Compiled deployables shipped with this package (written by `npm run build`). */
export const SHIPPED_ARTIFACTS_DIR = path.resolve(import.meta.dirname, "../artifacts");

/** A shipped deployable in the shape Hardhat Ignition's `m.contract(name, artifact, args)` takes. */
export interface ShippedArtifact {
  _format: string;
  contractName: string;
  sourceName: string;
  abi: unknown[];
  bytecode: `0x${string}`;
  deployedBytecode: `0x${string}`;
  linkReferences: Record<string, Record<string, { start: number; length: number }[]>>;
  deployedLinkReferences: Record<string, Record<string, { start: number; length: number }[]>>;
  immutableReferences: Record<string, { start: number; length: number }[]>;
}

/**
 * Reads `artifacts/<contractName>.json`. Synchronous because Ignition modules are built synchronously.
 */
export function readShippedArtifact(contractName: string): ShippedArtifact {
  const file = path.join(SHIPPED_ARTIFACTS_DIR, `${contractName}.json`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new DeploymentError(
      `no compiled artifact for ${contractName} at ${file}`,
      "run `npm run build` (compiles the contracts and writes packages/protocol/artifacts)",
    );
  }
  return JSON.parse(text) as ShippedArtifact;
}
