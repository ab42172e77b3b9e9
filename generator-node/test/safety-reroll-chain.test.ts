/**
 * An output flagged unsafe before the claim, against a real Hardhat node with the real contracts and
 * the real classifiers: `safety.threshold: 0` makes nsfwjs (both models) flag every output, through
 * the producer's own check, so the node re-rolls on the real code path.
 */
import { readFile, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNodeApp, type NodeApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { Journal } from "../src/journal.ts";
import { startStack, writeNodeConfig, type Stack } from "./helpers/stack.ts";

// generous: a loaded machine (2 cores shared by many processes) makes each job take several times longer
const until = async (cond: () => Promise<boolean> | boolean, ms = 540_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
};

const FULFILLED = 3; // GenerationMarket.JobStatus
const rerollsIn = (metrics: string) =>
  Number(/^atelier_node_unsafe_rerolls_total (\d+)/m.exec(metrics)?.[1] ?? NaN);

describe("an output flagged unsafe before the claim (local chain)", () => {
  let stack: Stack;
  let app: NodeApp | undefined;
  let file: string;

  /** (re)starts the node on the same config file and data dir with these safety settings */
  async function startNode(safety: { threshold: number; rerolls: number }): Promise<NodeApp> {
    const cfg = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...cfg, safety: { backend: "wasm", ...safety } }));
    app = await startNodeApp(loadConfig({ file, env: {} }));
    return app;
  }
  const journalRecord = async (jobId: bigint) =>
    (await Journal.open(loadConfig({ file, env: {} }).dataDir)).get(jobId.toString())!;
  const claims = async (jobId: bigint) =>
    (await stack.events("JobClaimed")).filter((e) => e.args.jobId === jobId).length;

  beforeAll(async () => {
    stack = await startStack();
    file = await writeNodeConfig(stack, { workers: 1 });
  });
  afterAll(async () => {
    await app?.stop();
    await stack?.stop();
  });

  it("every output flagged: the node draws `safety.rerolls` new secrets, then claims only to reject (code 1)", async () => {
    const node = await startNode({ threshold: 0, rerolls: 2 });
    const { jobId } = await stack.request("a blue ocean mandala", { deadlineSec: 1200 });
    const released = async () => (await stack.events("JobReleased")).find((e) => e.args.jobId === jobId);
    await until(async () => (await released()) !== undefined);
    expect((await released())!.args.reasonCode).toBe(1); // UnsafeOutput
    expect(await stack.jobStatus(jobId)).not.toBe(FULFILLED);
    // one claim (the placeholder), after three productions: the first seed and two re-rolls
    expect(await claims(jobId)).toBe(1);
    expect(rerollsIn(await (await fetch(`${node.url}/metrics`)).text())).toBe(2);
    await node.stop();
    app = undefined;
    const rec = await journalRecord(jobId);
    expect(rec).toMatchObject({ state: "rejected", reason: "UnsafeOutput", unsafeRerolls: 2 });
    expect(rec.note).toMatch(/^output classified unsafe \(score \d\.\d{3}\) after 2 new secrets$/);
  });

  it("a re-roll journaled before a restart: the next start produces with the journaled secret and fulfils", async () => {
    // first process: every output flagged, re-rolls to spare; stopped once it has drawn a new secret
    const first = await startNode({ threshold: 0, rerolls: 10 });
    const { jobId } = await stack.request("sunset over the forest", { deadlineSec: 1200 });
    await until(async () => rerollsIn(await (await fetch(`${first.url}/metrics`)).text()) >= 1);
    await first.stop();
    app = undefined;
    const journaled = await journalRecord(jobId);
    expect(journaled.state).toBe("claiming");
    expect(journaled.unsafeRerolls).toBeGreaterThanOrEqual(1);
    expect(await claims(jobId)).toBe(0); // nothing was sent for the flagged outputs

    // second process, the default threshold: resumes the journaled job with its new secret
    const second = await startNode({ threshold: 0.9, rerolls: 10 });
    await until(async () => (await stack.jobStatus(jobId)) === FULFILLED);
    await second.stop(); // its last journal write (done) follows the fulfil's receipt
    app = undefined;
    const fulfilled = (await stack.events("JobFulfilled")).find((e) => e.args.jobId === jobId)!;
    expect(await claims(jobId)).toBe(1);
    const rec = await journalRecord(jobId);
    expect(rec.state).toBe("done");
    // the secret revealed at fulfil is one the first process journaled, or a later one of the second
    expect(rec.unsafeRerolls).toBeGreaterThanOrEqual(journaled.unsafeRerolls!);
    if (rec.unsafeRerolls === journaled.unsafeRerolls) expect(rec.secret).toBe(journaled.secret);
    expect(fulfilled.args.node).toBe(stack.nodeAddress);
  });
});
