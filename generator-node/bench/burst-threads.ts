/**
 * Where the producers' CPU goes in a burst (not a timed test): W producer workers of the built-in art
 * model (safety on), N jobs kept C in flight, CPU per job by OS thread (Linux /proc/self/task),
 * grouped by kind (main, V8 platform, producers, libvips, libuv), beside the stage times the workers report.
 *
 *   npx tsx bench/burst-threads.ts [--jobs N] [--workers W] [--concurrency C]
 */
import { parseArgs } from "node:util";
import { BUILTIN_ART_MANIFEST } from "../src/model/builtin.ts";
import { loadManifest } from "../src/model/manifest.ts";
import { ProducerPool } from "../src/producer-pool.ts";
import { WorkerProducer } from "../src/producer-worker.ts";
import { cpuByThreadKind, threadCpuMs } from "./node-counters.ts";
import { round } from "./stats.ts";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "24" },
    workers: { type: "string", default: "2" },
    concurrency: { type: "string", default: "4" },
  },
});
const N = Number(values.jobs);
const W = Number(values.workers);
const C = Number(values.concurrency);

// main and V8's platform threads: the ones that exist before the producers start
const atStart = threadCpuMs();
// the producer workers are unref'd (they never hold the node open): this timer keeps the bench alive
const keepAlive = setInterval(() => {}, 1000);
const loaded = await loadManifest(BUILTIN_ART_MANIFEST);
const pool = new ProducerPool(
  await Promise.all(
    Array.from({ length: W }, () =>
      WorkerProducer.create(loaded, {
        provider: "cpu",
        threads: 1,
        safety: { enabled: true, threshold: 0.9, backend: "wasm" },
      }),
    ),
  ),
);
const job = (i: number) => ({
  prompt: ["a blue ocean mandala", "sunset over the forest", "dark night swirl", "pastel butterfly"][i % 4]!,
  seed: ("0x" + (i + 1).toString(16).padStart(64, "0")) as `0x${string}`,
  watermarkId: 2n ** 40n + BigInt(i),
});
for (let i = 0; i < W * 2; i++) await pool.produce(job(1000 + i)); // warm-up
const t0 = threadCpuMs();
const cpu0 = process.cpuUsage();
const w0 = performance.now();
const stages: Record<string, number> = {};
let next = 0;
await Promise.all(
  Array.from({ length: C }, async () => {
    while (next < N) {
      const r = await pool.produce(job(next++));
      for (const [k, v] of Object.entries(r.stages)) stages[k] = (stages[k] ?? 0) + v;
    }
  }),
);
const wall = performance.now() - w0;
const cpu = process.cpuUsage(cpu0);
const t1 = threadCpuMs();
console.log(
  JSON.stringify(
    {
      jobs: N,
      workers: W,
      concurrency: C,
      processCpuMsPerJob: round((cpu.user + cpu.system) / 1000 / N),
      wallMsPerJob: round(wall / N),
      stageWallMsPerJob: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, round(v / N)])),
      cpuMsPerJobByThread: cpuByThreadKind(t0, t1, atStart, N),
    },
    null,
    1,
  ),
);
await pool.close();
clearInterval(keepAlive);
