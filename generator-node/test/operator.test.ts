/**
 * The operator's commands as child processes against a real local chain: what a running node logs,
 * what it leaves unclaimed, earnings and their withdrawal, unstaking, registering without funds, and
 * a data dir left over from a chain that was restarted.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startNodeProcess, until, type NodeProcess } from "./helpers/cli.ts";
import { startStack, writeNodeConfig, type Stack } from "./helpers/stack.ts";

const OPEN = 1;
const FULFILLED = 3;
const MIN_FEE = 5_000_000_000_000_000n;

type LogLine = { msg?: string; job?: string; outcome?: string; reason?: string; url?: string };

describe("operator commands on a local chain", () => {
  let stack: Stack;
  let config: string;
  let node: NodeProcess | undefined;
  const stacks: Stack[] = [];
  const status = async () =>
    JSON.parse((await runCli(["--config", config, "status", "--json"])).out) as Record<string, string>;
  const logged = () => node!.lines.map((l) => JSON.parse(l) as LogLine);
  const started = async (n: NodeProcess) => {
    await until(() => n.lines.some((l) => l.includes("generator node started")), 400_000, "node start");
    return (n.lines.map((l) => JSON.parse(l) as LogLine).find((l) => l.url)?.url ?? "") as string;
  };

  beforeAll(async () => {
    stack = await startStack();
    stacks.push(stack);
    config = await writeNodeConfig(stack, {
      log: { level: "info", pretty: false },
      safety: { enabled: true, confirmModel: "none", bannedTerms: ["forbidden"] },
      models: [{ id: stack.modelId, manifest: "builtin:art", minFeeWei: MIN_FEE.toString() }],
    });
  });
  afterAll(async () => {
    if (node && node.child.exitCode === null) node.child.kill("SIGKILL");
    for (const s of stacks) await s.stop();
  });

  let url = "";
  it("a running node logs only JSON to stdout, logs every outcome, and leaves refused and underpaid jobs unclaimed", async () => {
    node = startNodeProcess(config);
    url = await started(node);
    const ok = await stack.request("a fair price ocean");
    const banned = await stack.request("a forbidden castle");
    const cheap = await stack.request("a cheap forest", { fee: MIN_FEE - 1n });
    await until(async () => (await stack.jobStatus(ok.jobId)) === FULFILLED, 400_000, "fulfil");
    await until(() => logged().filter((l) => l.outcome).length >= 3, 30_000, "outcome lines");

    const outcome = (id: bigint) => logged().find((l) => l.job === String(id) && l.outcome);
    expect(outcome(ok.jobId)).toMatchObject({ outcome: "fulfilled" });
    expect(outcome(banned.jobId)).toMatchObject({ outcome: "skipped" });
    expect(outcome(banned.jobId)!.reason).toMatch(/prompt policy: BannedContent/);
    expect(outcome(cheap.jobId)!.reason).toMatch(/below minFeeWei/);
    for (const id of [banned.jobId, cheap.jobId]) expect(await stack.jobStatus(id)).toBe(OPEN);
    const claimed = (await stack.events("JobClaimed")).map((e) => e.args.jobId);
    expect(claimed).toEqual([ok.jobId]);

    // nsfwjs announced its model; that line went to stderr, stdout stayed one JSON object per line
    expect(node.stderr()).toContain("You're using the model");
    for (const line of node.lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
  });

  it("status shows stake and earnings in ETH; withdraw moves the earned credit to the node's balance", async () => {
    const human = await runCli(["--config", config, "status"]);
    expect(human.code).toBe(0);
    expect(human.out).toMatch(/stake +1\.?\d* ETH/);
    expect(human.out).toMatch(/earned +0\.\d+ ETH market credit — collect it with `atelier-node withdraw`/);

    const before = await status();
    const credit = BigInt(before.credit!);
    expect(credit).toBeGreaterThan(0n);
    const w = await runCli(["--config", config, "withdraw"]);
    expect(w.code, w.err).toBe(0);
    expect(w.out).toContain(`withdrew ${before.creditEth} ETH of market credit`);
    const after = await status();
    expect(after.credit).toBe("0");
    const gained = BigInt(after.balance!) - BigInt(before.balance!);
    expect(gained).toBeGreaterThan(0n);
    expect(gained).toBeLessThanOrEqual(credit); // credit minus the withdraw's gas
    expect(credit - gained).toBeLessThan(parseEther("0.001"));
    expect((await runCli(["--config", config, "withdraw"])).out).toContain("no market credit to withdraw");
  });

  it("unstake needs --amount or --all; once the stake cannot cover a claim, /readyz says so", async () => {
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const stakeBefore = (await status()).stake;
    const bare = await runCli(["--config", config, "unstake"]);
    expect(bare.code).toBe(1);
    expect(bare.err).toMatch(/--amount <eth>.*--all/);
    expect((await status()).stake).toBe(stakeBefore);

    const all = await runCli(["--config", config, "unstake", "--all"]);
    expect(all.code, all.err).toBe(0);
    expect(all.out).toMatch(/requested unstake of 1\.?\d* ETH .*0 ETH stays staked.*can no longer claim/);
    expect((await status()).stake).toBe("0");
    let body: { ready?: boolean; reason?: string } = {};
    await until(
      async () => {
        const r = await fetch(`${url}/readyz`);
        body = (await r.json()) as typeof body;
        return r.status === 503;
      },
      30_000,
      "/readyz to turn false",
    );
    expect(body.ready).toBe(false);
    expect(body.reason).toMatch(/stake 0 ETH is below the market minimum/);
    node!.child.kill("SIGTERM");
    expect(await node!.exited).toBe(0);
  });

  it("register from an unfunded account says what it has and needs, before any transaction", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-unfunded-"));
    const cfg = path.join(dir, "atelier-node.json");
    const init = await runCli([
      "--config",
      cfg,
      "init",
      "--rpc-url",
      stack.rpcUrl,
      "--deployment",
      stack.deploymentFile,
      "--model",
      String(stack.modelId),
    ]);
    expect(init.code, init.err).toBe(0);
    const address = /node address: (0x[0-9a-fA-F]{40})/.exec(init.out)![1]! as `0x${string}`;
    const r = await runCli(["--config", cfg, "register", "--stake", "1"]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      new RegExp(`account ${address} has 0 ETH, needs ≥ 1\\.\\d+ ETH \\(stake 1 \\+ gas\\)`),
    );
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).not.toMatch(/0x02f8|serializedTransaction|Request Arguments|\n\s+at /);
    expect(await stack.publicClient.getTransactionCount({ address })).toBe(0);
  });

  it("refuses a data dir from a restarted chain, naming what differs; --reset-state moves it aside", async () => {
    await stack.stop();
    stacks.splice(stacks.indexOf(stack), 1);
    const fresh = await startStack();
    stacks.push(fresh);
    const cfg = JSON.parse(await readFile(config, "utf8")) as Record<string, unknown>;
    await writeFile(
      config,
      JSON.stringify({
        ...cfg,
        rpcUrl: fresh.rpcUrl,
        deployment: fresh.deploymentFile,
        models: [{ id: fresh.modelId, manifest: "builtin:art" }],
      }),
    );
    const dataDir = path.join(path.dirname(config), "data");
    const refused = startNodeProcess(config);
    expect(await refused.exited).toBe(1);
    expect(refused.stderr()).toMatch(
      /belongs to another chain or market \(genesisHash 0x[0-9a-f]{64} in the state/,
    );
    expect(refused.stderr()).toContain("atelier-node start --reset-state");
    expect(refused.lines.some((l) => l.includes("model loaded"))).toBe(false);

    node = startNodeProcess(config, ["--reset-state"]);
    await started(node);
    const { jobId } = await fresh.request("after the chain restart");
    await until(async () => (await fresh.jobStatus(jobId)) === FULFILLED, 400_000, "fulfil on the new chain");
    node.child.kill("SIGTERM");
    expect(await node.exited).toBe(0);
    const aside = (await readdir(dataDir)).filter((n) => n.startsWith("stale-"));
    expect(aside).toHaveLength(1);
    // the old journal is kept, not deleted
    expect(existsSync(path.join(dataDir, aside[0]!, "journal", "checkpoint.json"))).toBe(true);
    expect(existsSync(path.join(dataDir, aside[0]!, "state.json"))).toBe(true);
  });
});
