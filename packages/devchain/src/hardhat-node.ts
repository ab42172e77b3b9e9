import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { assertPortFree, freePort } from "./ports.ts";
import { REPO_ROOT } from "./repo.ts";

const require = createRequire(import.meta.url);
const HARDHAT_CLI = path.join(path.dirname(require.resolve("hardhat")), "cli.js");

export interface HardhatNodeOptions {
  /** TCP port; a free one is picked when absent. */
  port?: number;
  host?: string;
  /** How long to wait for the node to answer JSON-RPC. */
  startTimeoutMs?: number;
  /**
   * Run it in its own process group, so a terminal's Ctrl-C (SIGINT to the foreground group) does not
   * reach it: the caller stops it, after the services that still need the chain to shut down cleanly.
   */
  ownProcessGroup?: boolean;
}

export interface RunningChain {
  rpcUrl: string;
  port: number;
  chainId: number;
  /** Stops the node and resolves once its process has exited and the port is released. */
  stop(): Promise<void>;
  /** Resolves when the node process exits, for whatever reason (a supervisor reports an unasked exit). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts a real `hardhat node` (EDR, automine) as a child process. Its output holds the
 * publicly known dev keys, so it is never forwarded.
 */
export async function startHardhatNode(options: HardhatNodeOptions = {}): Promise<RunningChain> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? (await freePort(host));
  if (options.port !== undefined) await assertPortFree(port, host);

  const child = spawn(process.execPath, [HARDHAT_CLI, "node", "--hostname", host, "--port", String(port)], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: "true" },
    detached: options.ownProcessGroup ?? false,
  });
  let stderr = "";
  child.stdout.resume();
  child.stderr.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    }
  };

  const rpcUrl = `http://${host}:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`hardhat node exited with code ${child.exitCode} before answering: ${stderr.trim()}`);
    }
    const chainId = await tryChainId(rpcUrl);
    if (chainId !== undefined) return { rpcUrl, port, chainId, stop, exited };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`hardhat node did not answer on ${rpcUrl} in time: ${stderr.trim() || "no output"}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

async function tryChainId(rpcUrl: string): Promise<number | undefined> {
  try {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    const body = (await response.json()) as { result?: string };
    return body.result === undefined ? undefined : Number(body.result);
  } catch {
    return undefined;
  }
}
