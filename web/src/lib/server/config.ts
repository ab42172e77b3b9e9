/**
 * The dApp server's configuration, from the environment (and the deployment file it names):
 *
 *   ATELIER_RPC_URL          chain JSON-RPC the server reads from (default http://127.0.0.1:8545)
 *   ATELIER_PUBLIC_RPC_URL   JSON-RPC offered to browsers' wallets (default: ATELIER_RPC_URL)
 *   ATELIER_DEPLOYMENT       deployment JSON (default packages/protocol/deployments/31337.json)
 *   ATELIER_INDEX_URL        GraphQL endpoint of the index (default http://127.0.0.1:42069/graphql)
 *   ATELIER_INDEX_KIND       "ponder" (default) or "subgraph"
 *   ATELIER_IPFS_GATEWAY     IPFS HTTP gateway base (default http://127.0.0.1:8790)
 *   ATELIER_CHAIN_NAME       shown to users and wallets (default "Atelier local chain")
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseDeployment, type Deployment } from "@atelier/protocol";
import type { PublicConfig } from "../config.ts";

export interface ServerConfig {
  rpcUrl: string;
  publicRpcUrl: string;
  deployment: Deployment;
  indexUrl: string;
  indexKind: "ponder" | "subgraph";
  gateway: string;
  chainName: string;
}

export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(`${message}\nHint: ${hint}`);
  }
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");

function url(name: string, fallback: string): string {
  const value = (process.env[name] ?? fallback).trim().replace(/\/+$/, "");
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("not http(s)");
  } catch {
    throw new ConfigError(`${name} is not an http(s) URL: "${value}"`, `set ${name}=http://host:port`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const file = env.ATELIER_DEPLOYMENT ?? path.join(REPO_ROOT, "packages/protocol/deployments/31337.json");
  let raw: string;
  try {
    raw = readFileSync(file, "utf8");
  } catch {
    throw new ConfigError(
      `cannot read the deployment file ${file}`,
      "run `npm start` (it writes the local deployment) or set ATELIER_DEPLOYMENT to the file",
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError(`${file} is not JSON`, "regenerate it with `npm start` or redeploy");
  }
  const kind = env.ATELIER_INDEX_KIND ?? "ponder";
  if (kind !== "ponder" && kind !== "subgraph")
    throw new ConfigError(`ATELIER_INDEX_KIND is "${kind}"`, 'use "ponder" or "subgraph"');
  const rpcUrl = url("ATELIER_RPC_URL", "http://127.0.0.1:8545");
  return {
    rpcUrl,
    publicRpcUrl: url("ATELIER_PUBLIC_RPC_URL", rpcUrl),
    deployment: parseDeployment(json, file),
    indexUrl: url("ATELIER_INDEX_URL", "http://127.0.0.1:42069/graphql"),
    indexKind: kind,
    gateway: url("ATELIER_IPFS_GATEWAY", "http://127.0.0.1:8790"),
    chainName: env.ATELIER_CHAIN_NAME ?? "Atelier local chain",
  };
}

let cached: ServerConfig | undefined;

/** The configuration, read once per server process. */
export function config(): ServerConfig {
  cached ??= loadConfig();
  return cached;
}

export function publicConfig(c: ServerConfig = config()): PublicConfig {
  return {
    chainId: c.deployment.chainId,
    chainName: c.chainName,
    rpcUrl: c.publicRpcUrl,
    contracts: c.deployment.contracts,
    gateway: c.gateway,
  };
}
