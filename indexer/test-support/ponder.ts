import { spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@atelier/devchain";
import type { Deployment } from "@atelier/protocol";

// "ponder" resolves to dist/esm/index.js; the CLI sits beside it.
const PONDER_BIN = path.join(path.dirname(fileURLToPath(import.meta.resolve("ponder"))), "bin/ponder.js");
const INDEXER_ROOT = path.resolve(import.meta.dirname, "..");

export interface RunningPonder {
  url: string;
  /** The `ponder start` process (e.g. to read its CPU time). */
  pid: number;
  /** Everything the process printed (kept for failure messages). */
  output(): string;
  /** Resolves once Ponder reports that it has indexed `block` (GET /status). */
  waitForBlock(block: bigint, timeoutMs?: number): Promise<void>;
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

export interface PonderOptions {
  rpcUrl: string;
  deployment: Deployment;
  /** PGlite parent dir (kept across restarts when given). */
  dataDir?: string;
  databaseUrl?: string;
  schema?: string;
  blockstoreDir?: string;
  env?: Record<string, string>;
  /** Ponder answers /ready only after its backfill: a large one needs longer than the default 180 s. */
  readyTimeoutMs?: number;
  /** Node flags of the Ponder process (e.g. `--cpu-prof`, which NODE_OPTIONS does not take). */
  nodeFlags?: string[];
}

/** Writes the deployment to a temp file and starts `ponder start` on a free port; resolves when ready. */
export async function startPonder(options: PonderOptions): Promise<RunningPonder> {
  const work = await mkdtemp(path.join(tmpdir(), "atelier-ponder-"));
  const deploymentFile = path.join(work, "deployment.json");
  await writeFile(deploymentFile, JSON.stringify(options.deployment));
  const port = await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PONDER_TELEMETRY_DISABLED: "true",
    PONDER_RPC_URL: options.rpcUrl,
    ATELIER_DEPLOYMENT: deploymentFile,
    ATELIER_INDEXER_DIR: options.dataDir ?? path.join(work, "data"),
    ...(options.blockstoreDir ? { ATELIER_IPFS_BLOCKSTORE: options.blockstoreDir } : {}),
    ...options.env,
  };
  delete env.DATABASE_URL;
  delete env.DATABASE_PRIVATE_URL;
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  const schema = options.schema ?? "atelier";
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeFlags ?? []),
      PONDER_BIN,
      "start",
      "--schema",
      schema,
      "--port",
      String(port),
      "--log-format",
      "json",
      "--log-level",
      "warn",
    ],
    {
      cwd: INDEXER_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 180_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ponder exited with ${child.exitCode}:\n${output}`);
    const ready = await fetch(`${url}/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`ponder was not ready in time:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    url,
    pid: child.pid!,
    output: () => output,
    async waitForBlock(block: bigint, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const status = (await fetch(`${url}/status`).then(
          (r) => r.json(),
          () => ({}),
        )) as Record<string, { block?: { number?: number } }>;
        const indexed = Object.values(status)[0]?.block?.number;
        if (indexed !== undefined && BigInt(indexed) >= block) return;
        if (Date.now() > until)
          throw new Error(`ponder did not reach block ${block} (at ${indexed ?? "none"}):\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async graphql<T>(query: string, variables?: Record<string, unknown>) {
      const response = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
      if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join("; ")}`);
      return body.data as T;
    },
    stop,
  };
}
