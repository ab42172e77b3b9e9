/**
 * `npm run deploy -- --network <name>`: deploys the Atelier contracts to a network with Hardhat Ignition — the
 * shipped deployables of packages/protocol/artifacts, so nothing is compiled — verifies their sources where an
 * explorer API key is configured, and writes the deployment file that the generator node, the subgraph
 * manifest and the indexer read (packages/protocol/deployments/<chainId>.json, or ATELIER_DEPLOYMENTS_DIR).
 * Networks come from contracts/networks.ts; every setting is in .env.example. Run as a `hardhat run` script.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import hre from "hardhat";
import type { ResolvedConfigurationVariable } from "hardhat/types/config";
import type { DeploymentParameters } from "@nomicfoundation/ignition-core";
import type { Address } from "viem";
import type { Deployment } from "@atelier/protocol";
import { DEPLOYMENTS_DIR, deploymentFile, writeDeployment } from "@atelier/protocol/node";
import { DEPLOYER_KEY_VARIABLE, deployNetworks } from "../contracts/networks.ts";
import { ignitionJournalStartBlock, sourceNameOf, verificationTargets } from "./lib/deployment-record.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const MODULE = path.join(ROOT, "contracts/ignition/modules/Atelier.ts");
const USAGE = "usage: npm run deploy -- --network <name>";

class DeployError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

function knownNetworks(): string {
  return Object.keys(deployNetworks()).join(", ");
}

/** The network named by `--network`, checked to be one this command deploys to. */
function targetNetwork(): { name: string; rpcUrlVariable: string } {
  const name = hre.globalOptions.network;
  const networks = deployNetworks();
  if (name === undefined || name === "default") {
    throw new DeployError(
      "no network named",
      `${USAGE} (known: ${knownNetworks()}; or define one with ATELIER_DEPLOY_NETWORK, see .env.example)`,
    );
  }
  const network = networks[name];
  if (network === undefined) {
    throw new DeployError(
      `"${name}" is not a network this command deploys to`,
      `known: ${knownNetworks()}; define another with ATELIER_DEPLOY_NETWORK=${name} and ATELIER_DEPLOY_RPC_URL (.env.example)`,
    );
  }
  return { name, rpcUrlVariable: network.rpcUrlVariable };
}

/** Resolves a configuration variable, turning "not set" into a message that names it and how to set it. */
async function resolved(
  variable: ResolvedConfigurationVariable,
  name: string,
  what: string,
  check: "url" | "key",
) {
  try {
    return check === "url" ? await variable.getUrl() : await variable.getHexString();
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new DeployError(
      `${what} is not usable: ${reason}`,
      check === "key"
        ? `store it encrypted with \`npx hardhat keystore set ${name}\` (or export ${name}; never commit it)`
        : `export ${name}=https://… (or \`npx hardhat keystore set ${name}\`)`,
    );
  }
}

/** Checks the RPC URL and the deployer key before anything is sent, without printing either. */
async function preflight(name: string, rpcUrlVariable: string) {
  const config = hre.config.networks[name];
  if (config === undefined || config.type !== "http") {
    throw new DeployError(`network "${name}" is not an HTTP network`, "see contracts/networks.ts");
  }
  await resolved(
    config.url as ResolvedConfigurationVariable,
    rpcUrlVariable,
    `RPC URL (${rpcUrlVariable})`,
    "url",
  );
  const accounts = config.accounts;
  if (!Array.isArray(accounts) || accounts.length === 0) {
    throw new DeployError(`network "${name}" has no deployer account`, `set ${DEPLOYER_KEY_VARIABLE}`);
  }
  await resolved(
    accounts[0] as ResolvedConfigurationVariable,
    DEPLOYER_KEY_VARIABLE,
    `deployer key (${DEPLOYER_KEY_VARIABLE})`,
    "key",
  );
}

async function ignitionParameters(): Promise<DeploymentParameters> {
  const file = process.env.ATELIER_DEPLOY_PARAMETERS;
  if (!file) return {};
  try {
    const parsed = JSON.parse(await readFile(path.resolve(file), "utf8")) as unknown;
    if (typeof parsed !== "object" || parsed === null || !("Atelier" in parsed)) {
      throw new Error('expected { "Atelier": { "treasury": "0x…", … } }');
    }
    return parsed as DeploymentParameters;
  } catch (error) {
    throw new DeployError(
      `ATELIER_DEPLOY_PARAMETERS (${file}) is not a usable Ignition parameters file: ${(error as Error).message}`,
      'write JSON like { "Atelier": { "treasury": "0x…", "licenseFeeBps": 250 } } (contracts/README.md, Parameters)',
    );
  }
}

/** Verifies each contract where an explorer API key is configured; says why it skipped otherwise. */
async function verifySources(deployment: Deployment, journalDir: string): Promise<boolean> {
  const apiKey = hre.config.verify.etherscan.apiKey;
  const configured =
    hre.config.verify.etherscan.enabled &&
    apiKey !== undefined &&
    (await apiKey.get().then(
      (value) => value.length > 0,
      () => false,
    ));
  if (!configured) {
    console.log("verification skipped: no explorer API key (set ETHERSCAN_API_KEY, see .env.example)");
    return true;
  }
  const { verifyContract } = await import("@nomicfoundation/hardhat-verify/verify");
  let ok = true;
  for (const target of await verificationTargets(journalDir, deployment)) {
    try {
      await verifyContract(
        {
          address: target.address,
          constructorArgs: target.constructorArgs,
          contract: `${sourceNameOf(target.contractName)}:${target.contractName}`,
          provider: "etherscan",
        },
        hre,
      );
      console.log(`verified ${target.contractName} ${target.address}`);
    } catch (error) {
      ok = false;
      console.error(
        `verification of ${target.contractName} failed: ${(error as Error).message.split("\n")[0]}`,
      );
    }
  }
  return ok;
}

async function main(): Promise<number> {
  const { name, rpcUrlVariable } = targetNetwork();
  await preflight(name, rpcUrlVariable);
  const parameters = await ignitionParameters();

  const connection = await hre.network.create(name);
  try {
    const publicClient = await connection.viem.getPublicClient();
    const [deployer] = await connection.viem.getWalletClients();
    if (deployer === undefined) throw new DeployError("no deployer account", `set ${DEPLOYER_KEY_VARIABLE}`);
    const chainId = await publicClient.getChainId();
    const balance = await publicClient.getBalance({ address: deployer.account.address });
    if (balance === 0n) {
      throw new DeployError(
        `the deployer ${deployer.account.address} has no ETH on chain ${chainId}`,
        "fund it and run the same command again",
      );
    }
    const deploymentId = process.env.ATELIER_DEPLOYMENT_ID ?? `atelier-${name}-${chainId}`;
    const journalDir = path.join(hre.config.paths.ignition, "deployments", deploymentId);
    console.log(
      `deploying to ${name} (chain ${chainId}) from ${deployer.account.address} as ${deploymentId}`,
    );
    const fallbackStart = Number(await publicClient.getBlockNumber({ cacheTime: 0 })) + 1;

    const atelier = (await import(pathToFileURL(MODULE).href)).default as {
      results: Record<string, { contractName?: string }>;
    };
    // Ignition resumes from its journal: after a failure (gas, a dropped transaction) run the same command.
    const deployed = (await connection.ignition.deploy(atelier as never, {
      deploymentId,
      parameters,
    })) as Record<string, { address: Address }>;
    const contracts: Record<string, Address> = {};
    for (const [key, future] of Object.entries(atelier.results)) {
      const contract = deployed[key];
      if (contract !== undefined) contracts[future.contractName ?? key] = contract.address;
    }
    const deployment: Deployment = {
      chainId,
      startBlock: (await ignitionJournalStartBlock(journalDir)) ?? fallbackStart,
      deployedAt: new Date().toISOString(),
      contracts,
    };
    const dir = process.env.ATELIER_DEPLOYMENTS_DIR
      ? path.resolve(process.env.ATELIER_DEPLOYMENTS_DIR)
      : DEPLOYMENTS_DIR;
    const file = await writeDeployment(deployment, deploymentFile(chainId, dir));
    for (const [contract, address] of Object.entries(contracts))
      console.log(`  ${contract.padEnd(18)} ${address}`);
    console.log(
      `deployment file ${path.relative(process.cwd(), file)} (start block ${deployment.startBlock})`,
    );
    const verified = await verifySources(deployment, journalDir);
    return verified ? 0 : 1;
  } finally {
    await connection.close();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof DeployError) {
    console.error(`deploy: ${error.message}\nHint: ${error.hint}`);
  } else {
    // Hardhat's own errors are short and name the problem; never dump objects that may hold keys.
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
    console.error(`deploy failed: ${error instanceof Error ? error.message : String(error)}${cause}`);
  }
  process.exitCode = 1;
}
