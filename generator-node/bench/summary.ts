/** The generator benchmark's human-readable summary (the JSON file holds everything). */
import type { cpuMsByStage, qualitySheet } from "./quality.ts";
import type { upscaleBench } from "./upscale.ts";

interface Row {
  p50Ms: number;
  p95Ms: number;
}

export interface SummaryInput {
  result: {
    provider: string;
    cpu: string;
    e2e: Row;
    jobsPerMin: number;
    isolatedE2e: { p50Ms: number; detectP50Ms: number; unaccountedP50Ms: number };
  } & { stages: Record<string, Row> };
  N: number;
  concurrency: number;
  interval: number;
  isolatedChain: unknown;
  burstChain: unknown;
  cpuPerJob: { nodeMs: number; hardhatMs: number };
  byStage: Awaited<ReturnType<typeof cpuMsByStage>>;
  upscale: Awaited<ReturnType<typeof upscaleBench>> | undefined;
  quality: Awaited<ReturnType<typeof qualitySheet>> | undefined;
}

export function printSummary(input: SummaryInput): void {
  const {
    result,
    N,
    concurrency,
    interval,
    isolatedChain,
    burstChain,
    cpuPerJob,
    byStage,
    upscale,
    quality,
  } = input;
  const stages = result.stages;
  console.log(
    `\nprovider ${result.provider} · ${result.cpu} · ${N} jobs per phase · concurrency ${concurrency}`,
  );
  console.log(
    `e2e (request mined → fulfil mined, arrivals every ${interval} ms): p50 ${result.e2e.p50Ms} ms, p95 ${result.e2e.p95Ms} ms`,
  );
  console.log(`throughput (burst of ${N}): ${result.jobsPerMin} jobs/min`);
  console.log(
    `one job alone: e2e p50 ${result.isolatedE2e.p50Ms} ms = request seen after ${result.isolatedE2e.detectP50Ms} ms + stages + ${result.isolatedE2e.unaccountedP50Ms} ms outside any stage; per job ${JSON.stringify(isolatedChain)}`,
  );
  console.log(`per job in the burst: ${JSON.stringify(burstChain)}`);
  console.log(
    `CPU per job (burst): node process ${cpuPerJob.nodeMs} ms, hardhat node ${cpuPerJob.hardhatMs} ms`,
  );
  console.log("stage        p50 ms   p95 ms");
  for (const [k, v] of Object.entries(stages))
    console.log(`${k.padEnd(12)} ${String(v.p50Ms).padStart(7)}  ${String(v.p95Ms).padStart(7)}`);
  console.log(`CPU ms per job by stage (in process, one at a time): ${JSON.stringify(byStage.cpuMs)}`);
  console.log(
    `art model generate, 512², in process: p50 ${byStage.generateWallMs.p50Ms} ms, p95 ${byStage.generateWallMs.p95Ms} ms`,
  );
  if (upscale)
    console.log(
      `upscale ×4 (512² → 2048², ${upscale.model}, tiles ${upscale.tile?.size}+${upscale.tile?.overlap}): p50 ${upscale.p50Ms} ms, CPU ${upscale.cpuMsPerJob} ms, RSS +${upscale.rssGrowthMb} MB`,
    );
  if (quality) {
    for (const q of [quality.v1, quality.v2])
      console.log(
        `${q.model}: colourfulness ${q.colourfulness}, edge density ${q.edgeDensity}, HF energy ${q.hfEnergy}, diversity ${q.diversity} bits (48 prompts × 2 seeds: ${q.diversityWide}; independent images: ${q.diversityIndependent}) (medians over ${q.images}; worst ${JSON.stringify(q.worst)}; watermark ${JSON.stringify(q.watermarkRungs)})`,
      );
    console.log(`contact sheets: ${quality.sheets.join(", ")}`);
  }
}
