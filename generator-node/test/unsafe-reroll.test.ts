/**
 * `safety.rerolls` on an in-memory market, with a classifier that flags the first N outputs it sees
 * (through the producer's real check): the seeds it was shown, the claims and the outcome.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";
import { Journal } from "../src/journal.ts";
import { createMetrics } from "../src/metrics.ts";
import { BUILTIN_ART_MANIFEST } from "../src/model/builtin.ts";
import { loadManifest } from "../src/model/manifest.ts";
import { ModelRuntime } from "../src/model/runtime.ts";
import { GeneratorNode, type JobEvent } from "../src/node.ts";
import { InProcessProducer } from "../src/producer.ts";
import { PromptPolicy } from "../src/safety/policy.ts";
import { HeliaStore } from "../src/storage/ipfs.ts";
import { loadWatermark } from "../src/watermark.ts";
import { FakeMarket } from "./helpers/fake-market.ts";

const NODE = "0x00000000000000000000000000000000000000c0";

describe("re-rolls of an output flagged unsafe (in-memory market)", () => {
  let runtime: ModelRuntime;
  let store: HeliaStore;
  beforeAll(async () => {
    runtime = await ModelRuntime.create(await loadManifest(BUILTIN_ART_MANIFEST), { provider: "cpu" });
    store = await HeliaStore.open({ dir: await mkdtemp(path.join(tmpdir(), "atelier-reroll-")) });
  });
  afterAll(async () => {
    await store.close();
    await runtime.close();
  });

  /** a node whose classifier flags the first `flagFirst` outputs; `checked`: what it was shown */
  async function run(flagFirst: number, unsafeRerolls: number | undefined) {
    const market = new FakeMarket(NODE);
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-reroll-"));
    const metrics = createMetrics();
    const events: JobEvent[] = [];
    const checked: string[] = [];
    const watermark = await loadWatermark();
    const producer = new InProcessProducer(
      runtime,
      {
        backend: "test",
        check: async (image) => {
          checked.push(Buffer.from(image.data.subarray(0, 64)).toString("hex"));
          const unsafe = checked.length <= flagFirst;
          return { unsafe, score: unsafe ? 0.95 : 0.01, classes: {} };
        },
      },
      watermark,
    );
    const node = new GeneratorNode(
      {
        market,
        journal: await Journal.open(dir),
        store,
        policy: new PromptPolicy({ maxPromptBytes: 200, bannedTerms: [], bannedPatterns: [] }),
        models: new Map([[1n, { modelId: 1n, producer }]]),
        log: pino({ level: "silent" }),
        metrics,
      },
      {
        concurrency: 1,
        pollIntervalMs: 20,
        logChunk: 100,
        startBlock: 1n,
        expectedJobMs: 2_000,
        releaseMarginMs: 1_000,
        ...(unsafeRerolls !== undefined ? { unsafeRerolls } : {}),
        retries: { max: 2, baseDelayMs: 10, maxDelayMs: 50 },
      },
    );
    node.onJob = (e) => events.push(e);
    const jobId = market.submit("a blue ocean mandala");
    await node.start();
    const end = Date.now() + 300_000;
    while (events.length === 0) {
      if (Date.now() > end) throw new Error("timed out");
      await new Promise((r) => setTimeout(r, 20));
    }
    await node.stop();
    const counted = await metrics.registry.getSingleMetricAsString("atelier_node_unsafe_rerolls_total");
    return {
      job: market.jobs.get(jobId)!,
      claims: market.calls.filter((c) => c.startsWith("claim:")).length,
      event: events[0]!,
      rec: (await Journal.open(dir)).get(String(jobId))!,
      checked,
      rerollsCounted: Number(/ (\d+)$/m.exec(counted)?.[1]),
    };
  }

  it("the first output flagged: one new secret, a different picture, fulfilled with one claim", async () => {
    const r = await run(1, undefined);
    expect(r.event.outcome).toBe("fulfilled");
    expect(r.job.status).toBe("fulfilled");
    expect(r.claims).toBe(1);
    expect(r.checked).toHaveLength(2);
    expect(r.checked[1]).not.toBe(r.checked[0]); // a new seed, not the flagged picture again
    expect(r.rec).toMatchObject({ state: "done", unsafeRerolls: 1, attempts: 0 });
    expect(r.job.args!.secret).toBe(r.rec.secret);
    expect(r.rerollsCounted).toBe(1);
  });

  it("flagged beyond the default two re-rolls: three pictures checked, then claimed only to reject", async () => {
    const r = await run(3, undefined);
    expect(r.event.outcome).toBe("rejected");
    expect(r.job.rejectReason).toBe("UnsafeOutput");
    expect(r.claims).toBe(1);
    expect(new Set(r.checked).size).toBe(3);
    expect(r.rec).toMatchObject({ state: "rejected", reason: "UnsafeOutput", unsafeRerolls: 2 });
    expect(r.rec.note).toMatch(/after 2 new secrets$/);
    expect(r.rerollsCounted).toBe(2);
  });

  it("`unsafeRerolls: 0` rejects the first flagged output as before", async () => {
    const r = await run(1, 0);
    expect(r.event.outcome).toBe("rejected");
    expect(r.checked).toHaveLength(1);
    expect(r.rec.unsafeRerolls).toBeUndefined();
    expect(r.rerollsCounted).toBe(0);
  });

  it("`safety.rerolls`: 2 by default, from the file or ATELIER_NODE_SAFETY_REROLLS; a negative one is refused by name", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-reroll-cfg-"));
    const file = path.join(dir, "atelier-node.json");
    const env = { ATELIER_NODE_PRIVATE_KEY: "0x" + "ab".repeat(32) };
    await writeFile(file, JSON.stringify({ rpcUrl: "http://127.0.0.1:8545", models: [{ id: 1 }] }));
    expect(loadConfig({ file, env }).safety.rerolls).toBe(2);
    expect(loadConfig({ file, env: { ...env, ATELIER_NODE_SAFETY_REROLLS: "0" } }).safety.rerolls).toBe(0);
    await writeFile(
      file,
      JSON.stringify({ rpcUrl: "http://127.0.0.1:8545", models: [{ id: 1 }], safety: { rerolls: -1 } }),
    );
    expect(() => loadConfig({ file, env })).toThrow(ConfigError);
    expect(() => loadConfig({ file, env })).toThrow(/setting "safety.rerolls"/);
  });
});
