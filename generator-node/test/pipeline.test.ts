/** The job state machine against an in-memory market (the chain tests cover the real contracts). */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Journal } from "../src/journal.ts";
import { createMetrics } from "../src/metrics.ts";
import { BUILTIN_ART_MANIFEST } from "../src/model/builtin.ts";
import { loadManifest } from "../src/model/manifest.ts";
import { ModelRuntime } from "../src/model/runtime.ts";
import { GeneratorNode, type JobEvent } from "../src/node.ts";
import { InProcessProducer, type ImageProducer } from "../src/producer.ts";
import type { ImageClassifier } from "../src/safety/nsfw.ts";
import { PromptPolicy } from "../src/safety/policy.ts";
import { HeliaStore } from "../src/storage/ipfs.ts";
import { loadWatermark } from "../src/watermark.ts";
import { FakeMarket } from "./helpers/fake-market.ts";

const NODE = "0x00000000000000000000000000000000000000c0";

describe("pipeline (in-memory market)", () => {
  let runtime: ModelRuntime;
  let store: HeliaStore;
  beforeAll(async () => {
    runtime = await ModelRuntime.create(await loadManifest(BUILTIN_ART_MANIFEST), { provider: "cpu" });
    store = await HeliaStore.open({ dir: await mkdtemp(path.join(tmpdir(), "atelier-pipe-")) });
  });
  afterAll(async () => {
    await store.close();
    await runtime.close();
  });

  async function makeNode(
    market: FakeMarket,
    dataDir: string,
    classifier?: ImageClassifier,
    producer?: ImageProducer,
  ) {
    const events: JobEvent[] = [];
    const logLines: string[] = [];
    const node = new GeneratorNode(
      {
        market,
        journal: await Journal.open(dataDir),
        store,
        policy: new PromptPolicy({ maxPromptBytes: 200, bannedTerms: ["forbidden"], bannedPatterns: [] }),
        models: new Map([
          [
            1n,
            {
              modelId: 1n,
              minFeeWei: 10n ** 14n,
              producer:
                producer ??
                new InProcessProducer(
                  runtime,
                  classifier ?? {
                    backend: "test",
                    check: async () => ({ unsafe: false, score: 0, classes: {} }),
                  },
                  await loadWatermark(),
                ),
            },
          ],
        ]),
        log: pino({ level: "info" }, { write: (l: string) => void logLines.push(l) }),
        metrics: createMetrics(),
      },
      {
        concurrency: 3,
        pollIntervalMs: 20,
        logChunk: 100,
        startBlock: 1n,
        expectedJobMs: 2_000,
        releaseMarginMs: 1_000,
        retries: { max: 2, baseDelayMs: 10, maxDelayMs: 50 },
      },
    );
    node.onJob = (e) => events.push(e);
    return { node, events, logLines };
  }

  // Generous: these wait on events, and a loaded machine (CI beside other jobs) can take minutes.
  const until = async (cond: () => boolean, ms = 300_000) => {
    const end = Date.now() + ms;
    while (!cond()) {
      if (Date.now() > end) throw new Error("timed out");
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it("fulfils served jobs, leaves policy-refused and underpaid ones unclaimed, rejects unsafe output, skips other models and late jobs", async () => {
    const market = new FakeMarket(NODE);
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-pipe-"));
    const unsafeJob = { id: 0n };
    const { node, events, logLines } = await makeNode(market, dir, {
      backend: "test",
      check: async () => ({ unsafe: currentUnsafe, score: currentUnsafe ? 1 : 0, classes: {} }),
    });
    let currentUnsafe = false;
    const a = market.submit("a blue ocean mandala");
    const b = market.submit("a forbidden thing");
    market.submit("other model", { modelId: 9n });
    const late = market.submit("too late", { deadlineSec: 1 });
    const cheap = market.submit("a cheap mandala", { fee: 10n ** 14n - 1n });
    await node.start();
    await until(() => events.length >= 4);
    expect(market.jobs.get(a)!.status).toBe("fulfilled");
    // a prompt the local policy refuses is not claimed at all (no claim + reject gas); nor is an underpaid job
    expect(market.jobs.get(b)!.status).toBe("open");
    expect(market.jobs.get(cheap)!.status).toBe("open");
    expect(market.calls.filter((c) => c === `claim:${b}` || c === `claim:${cheap}`)).toEqual([]);
    expect(events.find((e) => e.jobId === String(b))).toMatchObject({
      outcome: "skipped",
      reason: "prompt policy: BannedContent (matches a banned term)",
    });
    expect(events.find((e) => e.jobId === String(cheap))?.reason).toMatch(/below minFeeWei 100000000000000/);
    expect(market.jobs.get(late)!.status).toBe("open");
    // every outcome is in the log, with its reason
    const logged = logLines.map((l) => JSON.parse(l) as { job?: string; outcome?: string; reason?: string });
    for (const id of [a, b, cheap, late])
      expect(logged.some((l) => l.job === String(id) && l.outcome !== undefined)).toBe(true);
    expect(logged.find((l) => l.job === String(b))?.reason).toMatch(/BannedContent/);
    currentUnsafe = true;
    unsafeJob.id = market.submit("innocent words");
    await until(() => market.jobs.get(unsafeJob.id)!.rejectReason !== undefined);
    expect(market.jobs.get(unsafeJob.id)!.rejectReason).toBe("UnsafeOutput");
    await node.stop();
    const args = market.jobs.get(a)!.args!;
    expect(args.watermarkId).toBe((1n << 55n) | a);
    expect(args.metadataDigest).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it("a claim front-run by a mint of a copy of its output: the node draws a new secret and fulfils", async () => {
    const market = new FakeMarket(NODE);
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-pipe-"));
    const { node, events } = await makeNode(market, dir);
    market.frontRunNextClaim = true;
    const jobId = market.submit("a copied mandala");
    await node.start();
    await until(() => events.length >= 1);
    await node.stop();
    const job = market.jobs.get(jobId)!;
    expect(job.status).toBe("fulfilled");
    expect(job.fulfilCount).toBe(1);
    expect(events[0]).toMatchObject({ jobId: String(jobId), outcome: "fulfilled" });
    // the fulfilled output is a new one (new secret → new seed → new bytes), not the copied hash
    expect(market.frontRun).toHaveLength(1);
    expect(job.args!.contentHash).not.toBe(market.frontRun[0]);
    const rec = (await Journal.open(dir)).get(jobId)!;
    expect(rec.attempts).toBe(1);
    expect(job.args!.secret).toBe(rec.secret);
  });

  it("picks up a job another node released after the checkpoint passed its request", async () => {
    const market = new FakeMarket(NODE);
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-pipe-"));
    const other = market.submit("claimed elsewhere");
    market.jobs.get(other)!.status = "claimed"; // another node holds it while we catch up
    market.jobs.get(other)!.node = "0x00000000000000000000000000000000000000d0";
    const { node } = await makeNode(market, dir);
    await node.start();
    const mine = market.submit("ours");
    await until(() => market.jobs.get(mine)!.status === "fulfilled");
    expect(market.jobs.get(other)!.status).toBe("claimed");
    market.otherNodeClaimsAndReleases(other);
    await until(() => market.jobs.get(other)!.status === "fulfilled");
    await node.stop();
    expect(market.jobs.get(other)!.node).toBe(NODE);
  });

  it("never claims a job whose production hangs (it produces before it claims): the job stays open", async () => {
    const market = new FakeMarket(NODE);
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-pipe-"));
    const hanging: ImageProducer = {
      manifest: runtime.manifest,
      provider: "cpu",
      safetyBackend: "test",
      produce: () => new Promise(() => undefined),
      close: async () => undefined,
    };
    const { node, events } = await makeNode(market, dir, undefined, hanging);
    await node.start();
    const jobId = market.submit("slow", { deadlineSec: 5 }); // ≥ expectedJobMs 2 s + margin 1 s: claimable
    await until(() => events.some((e) => e.jobId === jobId.toString()), 10_000);
    await node.stop();
    expect(events.find((e) => e.jobId === jobId.toString())!.outcome).toBe("failed");
    expect(market.calls.filter((c) => c.startsWith("claim"))).toEqual([]);
    expect(market.jobs.get(jobId)!.status).toBe("open");
    expect(Date.now() / 1000).toBeLessThan(market.jobs.get(jobId)!.deadline);
  });

  it("never holds more claims than its concurrency, even for a burst", async () => {
    const market = new FakeMarket(NODE);
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-pipe-"));
    const ids = Array.from({ length: 9 }, (_, i) => market.submit(`burst ${i}`));
    const { node } = await makeNode(market, dir);
    await node.start();
    await until(() => ids.every((id) => market.jobs.get(id)!.status === "fulfilled"));
    await node.stop();
    expect(market.maxClaimed).toBeLessThanOrEqual(3);
    expect(market.maxClaimed).toBeGreaterThan(1);
  });

  it("an RPC outage longer than the retries does not lose the job: it resumes and completes", async () => {
    const market = new FakeMarket(NODE);
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-pipe-"));
    const { node, logLines } = await makeNode(market, dir);
    // The outage starts with the claim (a one-shot signal, not a poll that a job passing through within
    // one interval slips past): the claim fails, and so do the next 8 job reads — more than retries.max
    // (2) per step, so the resumed job fails its first read steps and is resumed again.
    const claim = market.claim.bind(market);
    let claims = 0;
    market.claim = async (...args: Parameters<FakeMarket["claim"]>) => {
      if (claims++ === 0) {
        market.failReads = 8;
        throw new Error("simulated RPC outage");
      }
      return claim(...args);
    };
    await node.start();
    const jobId = market.submit("outage");
    await until(() => market.jobs.get(jobId)!.status === "fulfilled");
    await node.stop();
    expect(market.failReads).toBe(0); // every failing read was made
    expect(claims).toBe(2);
    const resumed = logLines.filter((l) => l.includes("job step failed; will resume")).length;
    expect(resumed).toBeGreaterThanOrEqual(3); // the claim, then two read steps out of retries
    expect(market.jobs.get(jobId)!.fulfilCount).toBe(1);
  });

  it("after a crash at any journaled step, a fresh node completes each job exactly once", async () => {
    for (const crashAfter of ["claiming", "claimed", "stored", "fulfilling"] as const) {
      const market = new FakeMarket(NODE);
      const dir = await mkdtemp(path.join(tmpdir(), "atelier-pipe-"));
      const jobId = market.submit(`crash at ${crashAfter}`);
      // simulate the first process: journal the job in state `crashAfter` with on-chain effects applied
      const journal = await Journal.open(dir);
      const req = (await market.request(jobId))!;
      if (crashAfter !== "claiming") await market.claim(jobId);
      await journal.put({
        jobId: jobId.toString(),
        modelId: "1",
        requester: req.requester,
        prompt: req.prompt,
        params: "0x",
        deadline: req.deadline,
        watermarkId: req.watermarkId.toString(),
        secret: "0x" + "11".repeat(32),
        seed: "0x" + "22".repeat(32),
        fee: "0",
        requestBlock: req.blockNumber.toString(),
        state: crashAfter,
        attempts: 0,
        updatedAt: "",
      });
      if (crashAfter === "fulfilling") {
        // the fulfil tx landed just before the crash
        await market.fulfil(jobId, {
          contentHash: "0x00",
          secret: "0x00",
          metadataDigest: "0x00",
          perceptualHash: 0n,
          watermarkId: req.watermarkId,
        });
      }
      await journal.writeCheckpoint(market.block);
      const { node } = await makeNode(market, dir);
      await node.start();
      await until(() => market.jobs.get(jobId)!.status === "fulfilled");
      await node.stop();
      expect(market.jobs.get(jobId)!.fulfilCount).toBe(1);
      expect(market.calls.filter((c) => c.startsWith("claim")).length).toBe(1);
      const j2 = await Journal.open(dir);
      expect(j2.get(jobId)!.state).toBe("done");
      // retention: a finished job is pruned once old enough and behind the checkpoint, never before
      expect(await j2.prune(60_000, market.block)).toBe(0);
      expect(await j2.prune(-1, 0n)).toBe(0);
      expect(await j2.prune(-1, market.block)).toBe(1);
      expect((await Journal.open(dir)).get(jobId)).toBeUndefined();
    }
  });
});
