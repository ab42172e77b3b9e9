/**
 * kill -9 at arbitrary points, then restart: every claimed job is fulfilled exactly once.
 * The node runs as a real child process (the operator CLI), killed with SIGKILL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, writeNodeConfig, type Stack } from "./helpers/stack.ts";

const PKG = path.resolve(import.meta.dirname, "..");
const FULFILLED = 3;

function startNode(config: string): ChildProcess {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", "--config", config, "start", "--no-progress"],
    {
      cwd: PKG,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ATELIER_NODE_PRIVATE_KEY: "" },
    },
  );
  let err = "";
  child.stderr!.on("data", (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
  child.stdout!.resume();
  child.once("exit", (code, signal) => {
    if (code && code !== 0) console.error(`node exited ${code} ${signal ?? ""}: ${err}`);
  });
  return child;
}

const exited = (c: ChildProcess) =>
  new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once("exit", () => r())));

const until = async (cond: () => Promise<boolean>, ms = 90_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 15));
  }
};

describe("crash and restart", () => {
  let stack: Stack;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    await stack?.stop();
  });

  it("kill -9 mid-job (twice) then restart: each job fulfilled exactly once, none lost", async () => {
    const config = await writeNodeConfig(stack, { concurrency: 2, safety: { enabled: false } });
    const jobs: bigint[] = [];
    for (let i = 0; i < 8; i++) jobs.push((await stack.request(`crash test ${i} forest`)).jobId);
    const fulfilledCount = async () => (await stack.events("JobFulfilled")).length;

    // 1st run: killed as soon as its first claim is mined (production in flight)
    let node = startNode(config);
    children.push(node);
    await until(async () => (await stack.events("JobClaimed")).length >= 1);
    node.kill("SIGKILL");
    await exited(node);

    // 2nd run: killed after it has fulfilled a few more jobs (others mid-way)
    const before = await fulfilledCount();
    node = startNode(config);
    children.push(node);
    await until(async () => (await fulfilledCount()) >= before + 3);
    node.kill("SIGKILL");
    await exited(node);

    // 3rd run: completes everything, then shuts down gracefully
    node = startNode(config);
    children.push(node);
    await until(async () =>
      (await Promise.all(jobs.map((j) => stack.jobStatus(j)))).every((s) => s === FULFILLED),
    );
    node.kill("SIGTERM");
    await exited(node);
    expect(node.exitCode).toBe(0);

    const fulfilled = await stack.events("JobFulfilled");
    for (const j of jobs) expect(fulfilled.filter((e) => e.args.jobId === j)).toHaveLength(1);
    expect(fulfilled).toHaveLength(jobs.length);

    const journalDir = path.join(path.dirname(config), "data", "journal");
    const entries = await Promise.all(
      (await readdir(journalDir))
        .filter((f) => /^job-\d+\.json$/.test(f))
        .map(
          async (f) =>
            JSON.parse(await readFile(path.join(journalDir, f), "utf8")) as { state: string; note?: string },
        ),
    );
    expect(entries.map((e) => e.state)).toEqual(entries.map(() => "done"));
    expect(entries).toHaveLength(jobs.length);

    // operator CLI against the same chain: status, then unstake (free stake into the cooldown)
    const cli = (...args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const c = spawn(
          process.execPath,
          ["--import", "tsx", "src/cli/main.ts", "--config", config, ...args],
          {
            cwd: PKG,
            env: { ...process.env, ATELIER_NODE_PRIVATE_KEY: "" },
          },
        );
        let out = "";
        c.stdout.on("data", (d: Buffer) => (out += d.toString()));
        c.on("exit", (code) => resolve({ code, out }));
      });
    const status = await cli("status", "--json");
    expect(status.code).toBe(0);
    const st = JSON.parse(status.out) as {
      registered: boolean;
      locked: string;
      journal: { jobs: Record<string, number> };
    };
    expect(st.registered).toBe(true);
    expect(st.locked).toBe("0");
    expect(st.journal.jobs.done).toBe(jobs.length);
    const unstake = await cli("unstake", "--amount", "0.5");
    expect(unstake.code).toBe(0);
    expect(unstake.out).toMatch(/requested unstake/);
    const register = await cli("register", "--stake", "0.5");
    expect(register.code).toBe(0);
  });
});
