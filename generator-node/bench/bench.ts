/**
 * Generator benchmark (not a timed test): a local Hardhat chain with automine and the real
 * contracts, the node in process, N jobs.
 *
 *   npm run bench:generator -- --jobs N [--json FILE] [--interval MS] [--concurrency C] [--workers W|auto]
 *
 * Phase 1 (isolated): min(N, 10) requests one after another (each waits for the previous
 * fulfilment) → latency of a job on an otherwise idle node.
 * Phase 2 (latency under load, the reported `e2e`): N requests arriving every `--interval` ms
 * (default 1000 ms = 60 jobs/min, half the throughput target) → request mined → fulfil mined, p50/p95.
 * Phase 3 (throughput): N requests at once → jobs/min from the first request mined to the last
 * fulfil mined. Stage medians over all phases.
 * Then, with the node stopped: CPU-ms per job by stage in process (`cpuMsPerJob.byStage`) and the art
 * model's generate time alone (`art.generateWallMs`); upscale ×4 of 512² works (`upscale`); and the
 * quality sheet (`quality.v1`, `quality.v2`, contact sheets next to the JSON; skip with --no-quality).
 */
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import * as prettier from "prettier";
import { startNodeApp } from "../src/app.ts";
import { loadConfig, workersFor } from "../src/config.ts";
import { builtinArt, builtinModel, builtinUpscale } from "../src/model/builtin.ts";
import type { JobEvent } from "../src/node.ts";
import { startStack, writeNodeConfig } from "../test/helpers/stack.ts";
import { BENCH_PROMPTS } from "./prompts.ts";
import { cpuMsByStage, qualitySheet } from "./quality.ts";
import { upscaleBench } from "./upscale.ts";
import {
  chainCounters,
  cpuByThreadKind,
  hardhatCpuMs,
  memoryReport,
  perJob,
  threadCpuMs,
} from "./node-counters.ts";
import { pct, round, sleep, sum } from "./stats.ts";
import { printSummary } from "./summary.ts";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "40" },
    json: { type: "string" },
    interval: { type: "string", default: "1000" },
    /** producer worker threads per text-to-image model ("auto": the node's default, one per core) */
    workers: { type: "string", default: "auto" },
    concurrency: { type: "string", default: "4" },
    "no-safety": { type: "boolean", default: false },
    "no-quality": { type: "boolean", default: false },
    /** skips the parent-bearing jobs and the upscale bench (a quicker profile of the art model) */
    "no-parents": { type: "boolean", default: false },
  },
});
const N = Number(values.jobs);
const interval = Number(values.interval);
const concurrency = Number(values.concurrency);
const workers = values.workers === "auto" ? "auto" : Number(values.workers);
/** upscale and variation jobs measured on chain (each one at a time, after the art phases) */
const PARENT_JOBS = 3;

const loadBefore = os.loadavg()[0]!;
// the threads that exist before the node starts: main and V8's platform threads
const threadsAtStart = threadCpuMs();
const stack = await startStack();
const done = new Map<bigint, { at: number; e: JobEvent }>();
let app: Awaited<ReturnType<typeof startNodeApp>> | undefined;
try {
  // parent-bearing models beside the art model: their jobs run after the art phases
  const upscaleManifest = builtinUpscale().manifest;
  const variationManifest = builtinModel("art-variation").manifest;
  const upscaleId = await stack.serveModel(
    upscaleManifest.weightsHash as `0x${string}`,
    upscaleManifest.name,
  );
  const variationId = await stack.serveModel(
    variationManifest.weightsHash as `0x${string}`,
    variationManifest.name,
  );
  const file = await writeNodeConfig(stack, {
    models: [
      { id: stack.modelId, manifest: "builtin:art" },
      { id: upscaleId, manifest: "builtin:upscale-x4" },
      { id: variationId, manifest: "builtin:art-variation" },
    ],
    concurrency,
    workers,
    pollIntervalMs: 25,
    safety: { enabled: !values["no-safety"] },
    log: { level: "error", pretty: false },
  });
  app = await startNodeApp(loadConfig({ file, env: {} }));
  const memoryAtStart = await memoryReport(app);
  app.node.onJob = (e) => done.set(BigInt(e.jobId), { at: Date.now(), e });
  const waitAll = async (ids: bigint[]) => {
    const end = Date.now() + 10 * 60_000;
    while (!ids.every((id) => done.has(id))) {
      if (Date.now() > end) throw new Error("benchmark timed out");
      await sleep(5);
    }
  };
  const prompts = BENCH_PROMPTS;

  // warm-up (not counted)
  const warm = [await stack.request("warm up"), await stack.request("warm up 2")];
  await waitAll(warm.map((w) => w.jobId));
  done.clear();

  console.error(`isolated phase: ${Math.min(N, 10)} jobs, one at a time`);
  const isolated: number[] = [];
  // where one job's wall time goes, request mined → fulfil seen: the wait until the node saw the
  // request (polling), the stages, and what no stage covers (between steps, event loop)
  const breakdown: { detectMs: number[]; unaccountedMs: number[] } = { detectMs: [], unaccountedMs: [] };
  const c0 = await chainCounters(app.url);
  for (let i = 0; i < Math.min(N, 10); i++) {
    const r = await stack.request(`${prompts[i % prompts.length]} alone ${i}`);
    await waitAll([r.jobId]);
    const { at, e } = done.get(r.jobId)!;
    isolated.push(at - r.minedAt);
    breakdown.detectMs.push(at - e.ms - r.minedAt);
    breakdown.unaccountedMs.push(e.ms - sum(Object.values(e.stages)));
  }
  const isolatedChain = perJob(c0, await chainCounters(app.url), Math.min(N, 10));

  console.error(`latency phase: ${N} jobs, one every ${interval} ms`);
  const paced: { jobId: bigint; minedAt: number }[] = [];
  const t0 = Date.now();
  for (let i = 0; i < N; i++) {
    const due = t0 + i * interval;
    if (Date.now() < due) await sleep(due - Date.now());
    paced.push(await stack.request(`${prompts[i % prompts.length]} #${i}`));
  }
  await waitAll(paced.map((p) => p.jobId));
  const e2e = paced.map((p) => done.get(p.jobId)!.at - p.minedAt);

  console.error(`throughput phase: ${N} jobs at once`);
  const cpu0 = process.cpuUsage();
  const main0 = process.threadCpuUsage();
  const hh0 = hardhatCpuMs(stack.rpcUrl);
  const threads0 = threadCpuMs();
  const b0 = await chainCounters(app.url);
  const burst: { jobId: bigint; minedAt: number }[] = [];
  for (let i = 0; i < N; i++) burst.push(await stack.request(`${prompts[i % prompts.length]} burst ${i}`));
  await waitAll(burst.map((p) => p.jobId));
  const first = Math.min(...burst.map((b) => b.minedAt));
  const last = Math.max(...burst.map((b) => done.get(b.jobId)!.at));
  const jobsPerMin = (N / (last - first)) * 60_000;
  const cpu = process.cpuUsage(cpu0);
  const mainCpu = process.threadCpuUsage(main0);
  const byThread = cpuByThreadKind(threads0, threadCpuMs(), threadsAtStart, N);
  const burstChain = perJob(b0, await chainCounters(app.url), N);
  const cpuPerJob = {
    nodeMs: round((cpu.user + cpu.system) / 1000 / N),
    mainThreadMs: round((mainCpu.user + mainCpu.system) / 1000 / N),
    hardhatMs: round((hardhatCpuMs(stack.rpcUrl) - hh0) / N),
    byThread,
  };
  const burstE2e = burst.map((p) => done.get(p.jobId)!.at - p.minedAt);

  const all = [...done.values()].map((d) => d.e);
  const outcomes: Record<string, number> = {};
  for (const e of all) outcomes[e.outcome] = (outcomes[e.outcome] ?? 0) + 1;
  const stageNames = [...new Set(all.flatMap((e) => Object.keys(e.stages)))];
  const stages: Record<string, { p50Ms: number; p95Ms: number }> = {};
  for (const s of [
    "generate",
    "watermark",
    "store",
    "fulfil",
    ...stageNames.filter((n) => !["generate", "watermark", "store", "fulfil"].includes(n)),
  ]) {
    const xs = all.map((e) => e.stages[s]).filter((x): x is number => x !== undefined);
    stages[s] = { p50Ms: round(pct(xs, 50)), p95Ms: round(pct(xs, 95)) };
  }
  const result = {
    jobs: N,
    resolution: "512x512",
    provider: app.provider,
    cpu: `${os.cpus()[0]?.model ?? "?"} ×${os.cpus().length}`,
    concurrency,
    workers: workersFor(workers, "art"),
    loadAverage1m: { before: round(loadBefore), after: round(os.loadavg()[0]!) },
    arrivalIntervalMs: interval,
    e2e: { p50Ms: round(pct(e2e, 50)), p95Ms: round(pct(e2e, 95)), maxMs: round(Math.max(...e2e)) },
    jobsPerMin: round(jobsPerMin),
    cpuPerJob,
    isolatedE2e: {
      p50Ms: round(pct(isolated, 50)),
      p95Ms: round(pct(isolated, 95)),
      detectP50Ms: round(pct(breakdown.detectMs, 50)),
      unaccountedP50Ms: round(pct(breakdown.unaccountedMs, 50)),
      perJob: isolatedChain,
    },
    burstE2e: { p50Ms: round(pct(burstE2e, 50)), p95Ms: round(pct(burstE2e, 95)), perJob: burstChain },
    stages,
    outcomes,
    slowest: [...done.entries()]
      .sort((a, b) => b[1].e.ms - a[1].e.ms)
      .slice(0, 5)
      .map(([id, d]) => ({
        jobId: id.toString(),
        ms: d.e.ms,
        stages: Object.fromEntries(Object.entries(d.e.stages).map(([k, v]) => [k, round(v)])),
      })),
    notFulfilled: all
      .filter((e) => e.outcome !== "fulfilled")
      .map((e) => ({ jobId: e.jobId, outcome: e.outcome, reason: e.reason })),
    targets: { "e2e.p50Ms": 1000, jobsPerMin: 120, "art.generateWallMs.p50Ms": 250 },
  };
  // the chain phases are done: measure the rest without a node competing for the cores
  // parent-bearing jobs on chain, one at a time: ×4 upscales and variations of a burst work
  const parentWork = await stack.workOfJob(burst[0]!.jobId);
  const parentBearing = async (modelId: number, label: string) => {
    const ms: number[] = [];
    for (let i = 0; i < PARENT_JOBS; i++) {
      const r = await stack.request(`${label} ${i}`, {
        modelId,
        deadlineSec: 1200,
        parents: [{ workId: parentWork, licenseId: 0n }],
      });
      await waitAll([r.jobId]);
      if (done.get(r.jobId)!.e.outcome !== "fulfilled")
        throw new Error(
          `${label} job ${r.jobId}: ${done.get(r.jobId)!.e.outcome} (${done.get(r.jobId)!.e.reason})`,
        );
      ms.push(done.get(r.jobId)!.at - r.minedAt);
    }
    return { jobs: PARENT_JOBS, p50Ms: round(pct(ms, 50)), p95Ms: round(pct(ms, 95)), oneAtATime: true };
  };
  const withParents = !values["no-parents"];
  if (withParents)
    console.error(
      `parent-bearing jobs: ${PARENT_JOBS} upscales ×4 and ${PARENT_JOBS} variations, one at a time`,
    );
  const upscaleE2e = withParents ? await parentBearing(upscaleId, "upscale") : undefined;
  const variationE2e = withParents ? await parentBearing(variationId, "variation") : undefined;
  const memoryAfterRun = await memoryReport(app);
  await app.stop();
  app = undefined;
  console.error("per-stage CPU of one job, in process");
  const byStage = await cpuMsByStage();
  // What the producer stages do not cover (chain I/O: viem, signing, polling; journal, store, HTTP,
  // the hand-off to the workers) runs on the node's main thread, the stages on the producer worker
  // threads. Both are measured in the burst: the main thread's own CPU (process.threadCpuUsage) and
  // the rest of the process (workers, ONNX Runtime, libuv and GC threads). The two add up to `total`
  // and neither can go negative; the old figure (total − the in-process stages, each stage timed
  // with process-wide CPU one job at a time) did, at −72 ms with workers.
  const workerMs = round(cpuPerJob.nodeMs - cpuPerJob.mainThreadMs);
  const cpuMsPerJob = {
    total: cpuPerJob.nodeMs,
    hardhat: cpuPerJob.hardhatMs,
    byStage: byStage.cpuMs,
    chainAndRestDerived: cpuPerJob.mainThreadMs,
    producerThreads: workerMs,
    meaning: {
      total: "node process CPU per job in the burst (all threads)",
      byStage: "CPU per stage of one job produced in process, one at a time, with the node stopped",
      chainAndRestDerived:
        "the node's main-thread CPU per job in the burst: chain I/O, signing, polling, journal, store, HTTP, the worker hand-off (and the bench's own requests, sent from the same thread)",
      producerThreads:
        "total − chainAndRestDerived: the producer workers (generate, safety, watermark, encode) and the process's other threads",
    },
  };
  const models: Record<string, { e2e: unknown; jobsPerMin: number; cpuMsPerJob: unknown }> = {
    [builtinArt().manifest.name]: { e2e: result.e2e, jobsPerMin: result.jobsPerMin, cpuMsPerJob },
  };
  let upscale: Awaited<ReturnType<typeof upscaleBench>> | undefined;
  if (upscaleE2e && variationE2e) {
    console.error("upscale ×4 of 512² works");
    upscale = await upscaleBench();
    models[upscale.model] = {
      e2e: upscaleE2e,
      jobsPerMin: Math.round((60_000 / upscale.p50Ms) * 10) / 10,
      cpuMsPerJob: { total: upscale.cpuMsPerJob },
    };
    models[variationManifest.name] = {
      e2e: variationE2e,
      jobsPerMin: round(60_000 / variationE2e.p50Ms),
      cpuMsPerJob: { total: cpuMsPerJob.total, note: "same graph and stages as the art model" },
    };
  }
  let quality: Awaited<ReturnType<typeof qualitySheet>> | undefined;
  if (!values["no-quality"]) {
    console.error("quality sheet: 24 prompts × 2 seeds, v1 and v2");
    const prefix = values.json
      ? path.resolve(process.env.INIT_CWD ?? process.cwd(), values.json).replace(/\.json$/, "") + "-sheet"
      : path.join(os.tmpdir(), `atelier-quality-${Date.now()}`);
    quality = await qualitySheet(prefix);
  }
  const full = {
    ...result,
    memory: { atStart: memoryAtStart, afterRun: memoryAfterRun },
    cpuMsPerJob,
    art: { generateWallMs: byStage.generateWallMs },
    ...(upscale ? { upscale } : {}),
    models,
    ...(quality
      ? {
          quality: {
            v1: quality.v1,
            v2: quality.v2,
            sheets: quality.sheets.map((s) => path.basename(s)),
            embedding: quality.embedding,
            diversityMeasures: quality.diversityMeasures,
          },
        }
      : {}),
  };
  printSummary(full);
  if (values.json) {
    const out = path.resolve(process.env.INIT_CWD ?? process.cwd(), values.json);
    await mkdir(path.dirname(out), { recursive: true });
    // formatted like the rest of the repo, so the committed results pass `npm run lint`
    const config = (await prettier.resolveConfig(out)) ?? {};
    await writeFile(out, await prettier.format(JSON.stringify(full), { ...config, parser: "json" }));
    console.log(`wrote ${out}`);
  }
} finally {
  await app?.stop();
  await stack.stop();
}
