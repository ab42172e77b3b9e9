import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Address } from "viem";
import type { Deployment } from "@atelier/protocol";
// Brings the `viem` and `ignition` members that the toolbox adds to network connections into scope.
import type {} from "@nomicfoundation/hardhat-toolbox-viem";
import { REPO_ROOT } from "./repo.ts";

/** The contracts' own deployment entry point (Hardhat Ignition). */
export const ATELIER_MODULE = path.join(REPO_ROOT, "contracts/ignition/modules/Atelier.ts");

interface FutureLike {
  contractName?: string;
}

export interface DeployOptions {
  rpcUrl: string;
  /** Ignition keeps a journal per deployment id; one id per chain run keeps runs apart. */
  deploymentId?: string;
}

/**
 * Deploys every Atelier contract (and the license-term presets) with the Ignition module, from the
 * chain's first dev account, and returns the deployment record keyed by contract name.
 */
export async function deployAtelier(options: DeployOptions): Promise<Deployment> {
  const { network } = await import("hardhat");
  const { rm } = await import("node:fs/promises");
  const module = (await import(pathToFileURL(ATELIER_MODULE).href)).default as {
    results: Record<string, FutureLike>;
  };

  const deploymentId = options.deploymentId ?? `local-${new URL(options.rpcUrl).port || "rpc"}`;
  // A fresh chain must not be reconciled against a previous run's journal of the same id.
  await rm(path.join(REPO_ROOT, ".atelier/ignition/deployments", deploymentId), {
    recursive: true,
    force: true,
  });

  const connection = await network.create({ network: "localhost", override: { url: options.rpcUrl } });
  try {
    const publicClient = await connection.viem.getPublicClient();
    const startBlock = Number(await publicClient.getBlockNumber({ cacheTime: 0 })) + 1;
    const deployed = (await connection.ignition.deploy(module as never, { deploymentId })) as Record<
      string,
      { address: Address }
    >;
    const contracts: Record<string, Address> = {};
    for (const [key, future] of Object.entries(module.results)) {
      const contract = deployed[key];
      if (contract === undefined) continue;
      contracts[future.contractName ?? key] = contract.address;
    }
    return {
      chainId: await publicClient.getChainId(),
      startBlock,
      deployedAt: new Date().toISOString(),
      contracts,
    };
  } finally {
    await connection.close();
  }
}
