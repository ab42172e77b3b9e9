import type { Address } from "viem";

/** Where the Atelier contracts live on one chain: written by the deployer, read by every other package. */
export interface Deployment {
  chainId: number;
  /** Block of the first deployment transaction: indexers start here. */
  startBlock: number;
  deployedAt: string;
  /** Contract name (as in the ABIs) → address. */
  contracts: Record<string, Address>;
}

export class DeploymentError extends Error {
  override name = "DeploymentError";
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(`${message}\nHint: ${hint}`);
  }
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** Checks a parsed deployment file and names the first field that is wrong. */
export function parseDeployment(value: unknown, source = "deployment"): Deployment {
  const hint = "regenerate it with `npm start` (local chain) or redeploy to that network";
  if (typeof value !== "object" || value === null) {
    throw new DeploymentError(`${source} is not a JSON object`, hint);
  }
  const record = value as Record<string, unknown>;
  for (const key of ["chainId", "startBlock"] as const) {
    if (!Number.isSafeInteger(record[key]) || (record[key] as number) < 0) {
      throw new DeploymentError(`${source}: "${key}" must be a non-negative integer`, hint);
    }
  }
  if (typeof record.deployedAt !== "string") {
    throw new DeploymentError(`${source}: "deployedAt" must be an ISO date string`, hint);
  }
  const contracts = record.contracts;
  if (typeof contracts !== "object" || contracts === null || Object.keys(contracts).length === 0) {
    throw new DeploymentError(`${source}: "contracts" must map contract names to addresses`, hint);
  }
  for (const [name, address] of Object.entries(contracts)) {
    if (typeof address !== "string" || !ADDRESS.test(address)) {
      throw new DeploymentError(`${source}: contracts.${name} is not an address`, hint);
    }
  }
  return {
    chainId: record.chainId as number,
    startBlock: record.startBlock as number,
    deployedAt: record.deployedAt,
    contracts: contracts as Record<string, Address>,
  };
}

/** The address of one contract, or an error that lists what the deployment does have. */
export function contractAddress(deployment: Deployment, name: string): Address {
  const address = deployment.contracts[name];
  if (address === undefined) {
    throw new DeploymentError(
      `no contract "${name}" in the deployment for chain ${deployment.chainId}`,
      `known contracts: ${Object.keys(deployment.contracts).join(", ")}`,
    );
  }
  return address;
}
