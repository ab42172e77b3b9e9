/**
 * Upscale ×4 of a 512² work (the built-in art model's output) through the built-in ESRGAN-slim ×4
 * model, tiled as the node runs it: wall time p50 over `runs`, CPU-ms per job, peak RSS growth.
 */
import { BUILTIN_ART_MANIFEST, BUILTIN_UPSCALE_MANIFEST } from "../src/model/builtin.ts";
import { loadManifest } from "../src/model/manifest.ts";
import { ModelRuntime } from "../src/model/runtime.ts";

export async function upscaleBench(runs = 3, threads = 1) {
  const art = await ModelRuntime.create(await loadManifest(BUILTIN_ART_MANIFEST), { provider: "cpu" });
  const parents = await art.generate(
    Array.from({ length: runs }, (_, i) => ({ prompt: "moonlit mountains", seed: `0x0${i + 1}` })),
  );
  await art.close();
  const rss0 = process.memoryUsage().rss;
  const up = await ModelRuntime.create(await loadManifest(BUILTIN_UPSCALE_MANIFEST), {
    provider: "cpu",
    threads,
  });
  await up.warmUp();
  const wall: number[] = [];
  const cpu: number[] = [];
  let peak = 0;
  for (const parentImage of parents) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const [out] = await up.generate([{ prompt: "", seed: "0x00", parentImage }]);
    wall.push(performance.now() - t0);
    const d = process.cpuUsage(c0);
    cpu.push((d.user + d.system) / 1000);
    peak = Math.max(peak, process.memoryUsage().rss - rss0);
    if (out!.width !== 2048) throw new Error(`upscale produced ${out!.width} px, expected 2048`);
  }
  await up.close();
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  return {
    model: up.manifest.name,
    provider: up.provider,
    threads,
    input: "512x512",
    output: "2048x2048",
    tile: up.manifest.tile,
    runs,
    p50Ms: Math.round(med(wall)),
    maxMs: Math.round(Math.max(...wall)),
    cpuMsPerJob: Math.round(med(cpu)),
    rssGrowthMb: Math.round(peak / 1e6),
  };
}
