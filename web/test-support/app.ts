/** The built dApp (vite build + adapter-node) as a child process on a free port. */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { freePort } from "@atelier/devchain";
import {
  buildEnv,
  clearBuildStamp,
  sourceDigest,
  stampBuild,
  staleBuildReason,
} from "../../scripts/lib/web-build.ts";

export const WEB_ROOT = path.resolve(import.meta.dirname, "..");

export interface RunningApp {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** Runs a production `vite build` in web/ (Node 22 from the workspace's npx) and records the sources it was made from. */
export async function buildApp(): Promise<void> {
  const digest = await sourceDigest();
  await clearBuildStamp();
  await new Promise<void>((resolve, reject) => {
    const child = spawn("npx", ["vite", "build", "--logLevel", "warn"], {
      cwd: WEB_ROOT,
      stdio: "inherit",
      env: buildEnv(),
    });
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`vite build exited with ${code}`)),
    );
  });
  await stampBuild(digest);
}

let ensured: Promise<void> | undefined;

/**
 * `web/build` made from this tree's sources: built when it is missing or stale (the source digest
 * `npm start` also checks), else reused — so one run of the tests, the e2e and bench:web builds once,
 * and a test run alone on a fresh clone still builds. Once per process.
 */
export function ensureAppBuilt(): Promise<void> {
  ensured ??= (async () => {
    if ((await staleBuildReason(await sourceDigest())) !== undefined) await buildApp();
  })();
  return ensured;
}

export async function startApp(env: Record<string, string>): Promise<RunningApp> {
  const entry = path.join(WEB_ROOT, "build/index.js");
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run -w @atelier/web build\` first`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [entry], {
    cwd: WEB_ROOT,
    // adapter-node refuses bodies over 512 KB before any handler runs: let uploads up to their own limit through.
    env: {
      BODY_SIZE_LIMIT: "21M",
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
      ORIGIN: url,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the dApp server exited with ${child.exitCode}:\n${output}`);
    const up = await fetch(url).then(
      (r) => r.status < 500,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`the dApp server did not answer in time:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}
