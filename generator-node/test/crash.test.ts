/**
 * kill -9 at arbitrary points, then restart: every claimed job is fulfilled exactly once.
 * The node runs as a real child process (the operator CLI), killed with SIGKILL.
 */
import type { ChildProcess } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startNodeProcess, until } from "./helpers/cli.ts";
import { startStack, writeNodeConfig, type Stack } from "./helpers/stack.ts";

const FULFILLED = 3;

function startNode(config: string): ChildProcess {
  const n = startNodeProcess(config);
  void n.exited.then((code) => {
    if (code && code !== 0) console.error(`node exited ${code}: ${n.stderr()}`);
  });
  return n.child;
}

const exited = (c: ChildProcess) =>
  new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once("exit", () => r())));

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
    await until(async () => (await stack.events("JobClaimed")).length >= 1, 400_000, "first claim", 15);
    node.kill("SIGKILL");
    await exited(node);

    // 2nd run: killed after it has fulfilled a few more jobs (others mid-way)
    const before = await fulfilledCount();
    node = startNode(config);
    children.push(node);
    await until(async () => (await fulfilledCount()) >= before + 3, 400_000, "3 more fulfils", 15);
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
    const cli = (...args: string[]) => runCli(["--config", config, ...args]);
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
  }, 1_500_000); // three node runs, each may take minutes on a loaded machine
});
