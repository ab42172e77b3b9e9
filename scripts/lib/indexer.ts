/**
 * The local indexer of `npm start`: the Ponder app in `indexer/` on embedded PGlite under
 * `.atelier/indexer`, reading the deployment file `npm start` wrote and work metadata through the
 * generator node's IPFS gateway (which fetches what the dApp server stored from its Helia peer). GraphQL
 * at `<url>/graphql`.
 */
import { rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { supervise, waitUntil, type Crash } from "./supervisor.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const INDEXER_ROOT = path.join(ROOT, "indexer");
// "ponder" resolves (ESM only) to dist/esm/index.js; the CLI sits beside it.
const ponderBin = () =>
  path.join(path.dirname(fileURLToPath(import.meta.resolve("ponder"))), "bin/ponder.js");

/** One GraphQL query to the index at `url`; its errors, if any, thrown as one message. */
export async function postGraphql<T>(url: string, query: string): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join("; ")}`);
  return body.data as T;
}

export interface LocalIndexer {
  url: string;
  graphqlUrl: string;
  logFile: string;
  graphql<T>(query: string): Promise<T>;
  /** Resolves once the work is indexed and no metadata fetch is pending (mining a block to let it land). */
  waitForWork(workId: bigint, mine: () => Promise<void>, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalIndexer(options: {
  rpcUrl: string;
  deploymentFile: string;
  /** The IPFS gateway it reads metadata through (it retries while the gateway is still starting). */
  gatewayUrl: string;
  stateDir: string;
  host: string;
  port: number;
  logDir: string;
  onCrash(crash: Crash): void;
}): Promise<LocalIndexer> {
  // Each `npm start` runs a new chain; the index of the last one (keyed by its genesis) describes nothing.
  const dataDir = path.join(options.stateDir, "indexer");
  await rm(dataDir, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PONDER_TELEMETRY_DISABLED: "true",
    PONDER_RPC_URL: options.rpcUrl,
    ATELIER_DEPLOYMENT: options.deploymentFile,
    ATELIER_INDEXER_DIR: dataDir,
    ATELIER_IPFS_GATEWAY: options.gatewayUrl,
  };
  // npm start's index is the embedded one; Postgres is an operator's choice (indexer/README.md).
  delete env.DATABASE_URL;
  delete env.DATABASE_PRIVATE_URL;
  delete env.ATELIER_IPFS_BLOCKSTORE; // it would win over the gateway
  const ponder = await supervise(
    "indexer",
    process.execPath,
    [
      ponderBin(),
      "start",
      "--schema",
      "atelier",
      "--hostname",
      options.host,
      "--port",
      String(options.port),
      "--log-format",
      "json",
      "--log-level",
      "warn",
    ],
    { cwd: INDEXER_ROOT, env, logDir: options.logDir, onCrash: options.onCrash },
  );
  const url = `http://${options.host}:${options.port}`;
  const graphqlUrl = `${url}/graphql`;
  const graphql = <T>(query: string): Promise<T> => postGraphql<T>(graphqlUrl, query);
  try {
    await waitUntil(
      ponder,
      "answer /ready",
      async () => ((await fetch(`${url}/ready`)).status === 200 ? true : undefined),
      // Ponder is ready in seconds on a quiet machine; on 2 cores shared at load 30 it took over 180 s.
      300_000,
      250,
    );
  } catch (error) {
    await ponder.stop();
    throw error;
  }
  return {
    url,
    graphqlUrl,
    logFile: ponder.logFile,
    graphql,
    async waitForWork(workId, mine, timeoutMs = 60_000) {
      // Metadata is fetched in the background and written on the next block: an automining chain makes
      // one only when asked.
      await waitUntil(
        ponder,
        `index work ${workId} with its metadata`,
        async () => {
          const { work } = await graphql<{ work: { metadata: string } | null }>(
            `{ work(id: "${workId}") { metadata } }`,
          );
          const metadata =
            work === null
              ? null
              : (
                  await graphql<{ workMetadata: { status: string; reason: string | null } | null }>(
                    `{ workMetadata(id: "${work.metadata}") { status reason } }`,
                  )
                ).workMetadata;
          if (metadata?.status === "ok") return true;
          if (metadata?.status === "rejected")
            throw new Error(`the indexer rejected work ${workId}'s metadata: ${metadata.reason}`);
          await mine();
          return undefined;
        },
        timeoutMs,
        200,
      );
    },
    stop: () => ponder.stop(),
  };
}
