/** The generator benchmark's human-readable summary, read from the result it writes as JSON. */
import type { cpuMsByStage, qualitySheet } from "./quality.ts";
import type { upscaleBench } from "./upscale.ts";

interface Row {
  p50Ms: number;
  p95Ms: number;
}

type Quality = Awaited<ReturnType<typeof qualitySheet>>;

/** The parts of bench.ts's JSON result that the summary prints. */
export interface BenchResult {
  jobs: number;
  provider: string;
  cpu: string;
  concurrency: number;
  arrivalIntervalMs: number;
  e2e: Row;
  jobsPerMin: number;
  isolatedE2e: { p50Ms: number; detectP50Ms: number; unaccountedP50Ms: number; perJob: unknown };
  burstE2e: { perJob: unknown };
  cpuPerJob: { nodeMs: number; hardhatMs: number; byThread: Record<string, number> };
  stages: Record<string, Row>;
  cpuMsPerJob: { byStage: Awaited<ReturnType<typeof cpuMsByStage>>["cpuMs"] };
  art: { generateWallMs: Row };
  upscale?: Awaited<ReturnType<typeof upscaleBench>>;
  quality?: { v1: Quality["v1"]; v2: Quality["v2"]; sheets: string[] };
}

export function printSummary(r: BenchResult): void {
  console.log(
    `\nprovider ${r.provider} · ${r.cpu} · ${r.jobs} jobs per phase · concurrency ${r.concurrency}`,
  );
  console.log(
    `e2e (request mined → fulfil mined, arrivals every ${r.arrivalIntervalMs} ms): p50 ${r.e2e.p50Ms} ms, p95 ${r.e2e.p95Ms} ms`,
  );
  console.log(`throughput (burst of ${r.jobs}): ${r.jobsPerMin} jobs/min`);
  console.log(
    `one job alone: e2e p50 ${r.isolatedE2e.p50Ms} ms = request seen after ${r.isolatedE2e.detectP50Ms} ms + stages + ${r.isolatedE2e.unaccountedP50Ms} ms outside any stage; per job ${JSON.stringify(r.isolatedE2e.perJob)}`,
  );
  console.log(`per job in the burst: ${JSON.stringify(r.burstE2e.perJob)}`);
  console.log(
    `CPU per job (burst): node process ${r.cpuPerJob.nodeMs} ms (by thread ${JSON.stringify(r.cpuPerJob.byThread)}), hardhat node ${r.cpuPerJob.hardhatMs} ms`,
  );
  console.log("stage        p50 ms   p95 ms");
  for (const [k, v] of Object.entries(r.stages))
    console.log(`${k.padEnd(12)} ${String(v.p50Ms).padStart(7)}  ${String(v.p95Ms).padStart(7)}`);
  console.log(
    `CPU ms per job by stage (in process, one at a time): ${JSON.stringify(r.cpuMsPerJob.byStage)}`,
  );
  console.log(
    `art model generate, 512², in process: p50 ${r.art.generateWallMs.p50Ms} ms, p95 ${r.art.generateWallMs.p95Ms} ms`,
  );
  const up = r.upscale;
  if (up)
    console.log(
      `upscale ×4 (512² → 2048², ${up.model}, tiles ${up.tile?.size}+${up.tile?.overlap}): p50 ${up.p50Ms} ms, CPU ${up.cpuMsPerJob} ms, RSS +${up.rssGrowthMb} MB`,
    );
  if (r.quality) {
    for (const q of [r.quality.v1, r.quality.v2])
      console.log(
        `${q.model}: colourfulness ${q.colourfulness}, edge density ${q.edgeDensity}, HF energy ${q.hfEnergy}, diversity ${q.diversity} bits (48 prompts × 2 seeds: ${q.diversityWide}; independent images: ${q.diversityIndependent}) (medians over ${q.images}; worst ${JSON.stringify(q.worst)}; watermark ${JSON.stringify(q.watermarkRungs)})`,
      );
    console.log(`contact sheets: ${r.quality.sheets.join(", ")}`);
  }
}
