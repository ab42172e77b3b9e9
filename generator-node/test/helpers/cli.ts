/** The operator CLI as users run it: a real child process of `src/cli/main.ts` through tsx. */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export const PKG = path.resolve(import.meta.dirname, "../..");
const MAIN = path.join(PKG, "src/cli/main.ts");

/** No key from the test runner's environment leaks into the child. */
const baseEnv = (env: Record<string, string>) => ({ ...process.env, ATELIER_NODE_PRIVATE_KEY: "", ...env });

export function runCli(
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string } = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, ["--import", "tsx", MAIN, ...args], {
      cwd: opts.cwd ?? PKG,
      env: baseEnv(opts.env ?? {}),
    });
    let out = "";
    let err = "";
    c.stdout.on("data", (d: Buffer) => (out += d.toString()));
    c.stderr.on("data", (d: Buffer) => (err += d.toString()));
    c.on("exit", (code) => resolve({ code, out, err }));
  });
}

export interface NodeProcess {
  child: ChildProcess;
  /** every stdout line so far */
  lines: string[];
  stderr(): string;
  exited: Promise<number | null>;
}

/** `atelier-node --config <config> start --no-progress [...extra]`, stdout collected line by line. */
export function startNodeProcess(config: string, extra: string[] = []): NodeProcess {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", MAIN, "--config", config, "start", "--no-progress", ...extra],
    { cwd: PKG, stdio: ["ignore", "pipe", "pipe"], env: baseEnv({}) },
  );
  const lines: string[] = [];
  let partial = "";
  let err = "";
  child.stdout!.on("data", (c: Buffer) => {
    const parts = (partial + c.toString()).split("\n");
    partial = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on("data", (c: Buffer) => (err = (err + c.toString()).slice(-8000)));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return { child, lines, stderr: () => err, exited };
}

export const until = async (
  cond: () => Promise<boolean> | boolean,
  ms = 400_000,
  what = "condition",
  everyMs = 50,
) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
};
