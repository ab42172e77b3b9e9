import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseDeployment, type Deployment } from "@atelier/protocol";

// Ponder runs this file through vite-node, where import.meta.dirname is not set.
const HERE = fileURLToPath(new URL("..", import.meta.url));
const DEFAULT_DEPLOYMENT = path.resolve(HERE, "../packages/protocol/deployments/31337.json");

/** Chains whose id is reused by every restart of a local node: their cache must be keyed by genesis. */
const DEV_CHAIN_IDS = new Set([31337, 1337]);

export interface IndexerSettings {
  deployment: Deployment;
  rpcUrl: string;
  /** `<chainId>-<genesis hash>-<start block hash>` (8 hex digits each): a new chain gets a new key. */
  chainKey: string;
  database: { kind: "pglite"; directory: string } | { kind: "postgres"; connectionString: string };
  /** RPC cache off for dev chains on Postgres, where the shared sync cache is keyed by chain id only. */
  disableCache: boolean;
  /** Where image embeddings persist (keyed by chain like PGlite); undefined when ATELIER_EMBEDDINGS=off. */
  embeddingsFile: string | undefined;
}

export class SettingsError extends Error {
  override name = "SettingsError";
  constructor(message: string, hint: string) {
    super(`${message}\nHint: ${hint}`);
  }
}

async function blockHash(rpcUrl: string, block: number): Promise<string> {
  let body: { result?: { hash?: string } | null; error?: { message: string } };
  try {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "eth_getBlockByNumber",
        params: [`0x${block.toString(16)}`, false],
      }),
    });
    body = (await response.json()) as typeof body;
  } catch (error) {
    throw new SettingsError(
      `cannot reach the chain at ${rpcUrl}: ${(error as Error).message}`,
      "start the chain (npm start) or set PONDER_RPC_URL",
    );
  }
  const hash = body.result?.hash;
  if (!hash) {
    throw new SettingsError(
      `the chain at ${rpcUrl} has no block ${block}${body.error ? ` (${body.error.message})` : ""}`,
      "the deployment file belongs to another chain: redeploy (npm start) or point ATELIER_DEPLOYMENT at this chain's file",
    );
  }
  return hash;
}

/**
 * Reads the indexer's settings from the environment: ATELIER_DEPLOYMENT (deployment file),
 * PONDER_RPC_URL, DATABASE_URL (Postgres; PGlite when unset), ATELIER_INDEXER_DIR (PGlite and embeddings
 * parent dir), ATELIER_EMBEDDINGS (on | off).
 */
export async function loadSettings(env: NodeJS.ProcessEnv = process.env): Promise<IndexerSettings> {
  const file = env.ATELIER_DEPLOYMENT ?? DEFAULT_DEPLOYMENT;
  let deployment: Deployment;
  try {
    deployment = parseDeployment(JSON.parse(readFileSync(file, "utf8")), file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new SettingsError(
        `no deployment file at ${file}`,
        "run `npm start` (deploys and writes it) or set ATELIER_DEPLOYMENT",
      );
    }
    throw error;
  }
  const rpcUrl = env.PONDER_RPC_URL ?? "http://127.0.0.1:8545";
  const genesis = await blockHash(rpcUrl, 0);
  const start = await blockHash(rpcUrl, deployment.startBlock);
  const chainKey = `${deployment.chainId}-${genesis.slice(2, 10)}-${start.slice(2, 10)}`;
  const connectionString = env.DATABASE_URL;
  const dataDir = env.ATELIER_INDEXER_DIR ?? path.join(HERE, ".ponder");
  const database: IndexerSettings["database"] = connectionString
    ? { kind: "postgres", connectionString }
    : { kind: "pglite", directory: path.join(dataDir, `pglite-${chainKey}`) };
  const embeddings = env.ATELIER_EMBEDDINGS ?? "on";
  if (embeddings !== "on" && embeddings !== "off")
    throw new SettingsError(`ATELIER_EMBEDDINGS is "${embeddings}"`, 'set it to "on" (default) or "off"');
  return {
    deployment,
    rpcUrl,
    chainKey,
    database,
    disableCache: database.kind === "postgres" && DEV_CHAIN_IDS.has(deployment.chainId),
    embeddingsFile: embeddings === "on" ? path.join(dataDir, `embeddings-${chainKey}.bin`) : undefined,
  };
}
