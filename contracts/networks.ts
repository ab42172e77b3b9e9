/**
 * The networks `npm run deploy -- --network <name>` can deploy to (hardhat.config.ts adds them). Each RPC URL
 * and the deployer key are Hardhat configuration variables: read from the environment, or from Hardhat's
 * encrypted keystore (`npx hardhat keystore set NAME`), only when a command connects to that network.
 * Every setting is documented in `.env.example`.
 */
import { configVariable } from "hardhat/config";
import type { NetworkUserConfig } from "hardhat/types/config";

/** The configuration variable that holds the deployer's private key (keystore, or the environment). */
export const DEPLOYER_KEY_VARIABLE = "ATELIER_DEPLOYER_KEY";

type ChainType = "l1" | "op" | "generic";

export interface DeployNetwork {
  /** Expected chain id (Hardhat refuses an RPC URL that answers another), absent when not known. */
  chainId?: number;
  chainType: ChainType;
  /** The configuration variable that holds this network's RPC URL. */
  rpcUrlVariable: string;
}

/** Public networks known by name; an L2 (Base, Optimism, Arbitrum) is where the README suggests to run. */
export const PUBLIC_NETWORKS: Record<string, DeployNetwork> = {
  mainnet: { chainId: 1, chainType: "l1", rpcUrlVariable: "MAINNET_RPC_URL" },
  sepolia: { chainId: 11_155_111, chainType: "l1", rpcUrlVariable: "SEPOLIA_RPC_URL" },
  base: { chainId: 8453, chainType: "op", rpcUrlVariable: "BASE_RPC_URL" },
  baseSepolia: { chainId: 84_532, chainType: "op", rpcUrlVariable: "BASE_SEPOLIA_RPC_URL" },
  optimism: { chainId: 10, chainType: "op", rpcUrlVariable: "OPTIMISM_RPC_URL" },
  optimismSepolia: { chainId: 11_155_420, chainType: "op", rpcUrlVariable: "OPTIMISM_SEPOLIA_RPC_URL" },
  arbitrum: { chainId: 42_161, chainType: "generic", rpcUrlVariable: "ARBITRUM_RPC_URL" },
  arbitrumSepolia: { chainId: 421_614, chainType: "generic", rpcUrlVariable: "ARBITRUM_SEPOLIA_RPC_URL" },
};

/** The environment's own network (any EVM chain): `ATELIER_DEPLOY_NETWORK` names it. */
export const ENV_NETWORK_RPC_URL_VARIABLE = "ATELIER_DEPLOY_RPC_URL";

const CHAIN_TYPES: readonly string[] = ["l1", "op", "generic"];

/**
 * The network the environment defines, if any: `ATELIER_DEPLOY_NETWORK` (its name),
 * `ATELIER_DEPLOY_RPC_URL` (configuration variable), `ATELIER_DEPLOY_CHAIN_TYPE` (l1 | op | generic,
 * default generic), `ATELIER_DEPLOY_CHAIN_ID` (optional check of the chain the URL answers for).
 */
export function envNetwork(env: NodeJS.ProcessEnv): [string, DeployNetwork] | undefined {
  const name = env.ATELIER_DEPLOY_NETWORK?.trim();
  if (!name) return undefined;
  const chainType = env.ATELIER_DEPLOY_CHAIN_TYPE?.trim() || "generic";
  if (!CHAIN_TYPES.includes(chainType)) {
    throw new Error(
      `ATELIER_DEPLOY_CHAIN_TYPE is "${chainType}"; use one of ${CHAIN_TYPES.join(", ")} (op for OP-stack L2s)`,
    );
  }
  const chainIdText = env.ATELIER_DEPLOY_CHAIN_ID?.trim();
  const chainId = chainIdText ? Number(chainIdText) : undefined;
  if (chainId !== undefined && !(Number.isSafeInteger(chainId) && chainId > 0)) {
    throw new Error(`ATELIER_DEPLOY_CHAIN_ID is "${chainIdText}"; give a positive integer or leave it unset`);
  }
  return [name, { chainId, chainType: chainType as ChainType, rpcUrlVariable: ENV_NETWORK_RPC_URL_VARIABLE }];
}

/** Every deployable network by name (the environment's network overrides a public one of the same name). */
export function deployNetworks(env: NodeJS.ProcessEnv = process.env): Record<string, DeployNetwork> {
  const networks = { ...PUBLIC_NETWORKS };
  const fromEnv = envNetwork(env);
  if (fromEnv) networks[fromEnv[0]] = fromEnv[1];
  return networks;
}

/** The same networks as Hardhat network configs (resolved lazily, so unset variables harm no other command). */
export function hardhatNetworks(env: NodeJS.ProcessEnv = process.env): Record<string, NetworkUserConfig> {
  return Object.fromEntries(
    Object.entries(deployNetworks(env)).map(([name, network]) => [
      name,
      {
        type: "http",
        chainType: network.chainType,
        ...(network.chainId === undefined ? {} : { chainId: network.chainId }),
        url: configVariable(network.rpcUrlVariable),
        accounts: [configVariable(DEPLOYER_KEY_VARIABLE)],
      } satisfies NetworkUserConfig,
    ]),
  );
}
