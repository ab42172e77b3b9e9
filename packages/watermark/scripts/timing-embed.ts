/**
 * Embed-side cost per image at given sizes: CPU ms (process.cpuUsage, median over RUNS) of `embed`
 * and `embedVerified`, embedVerified's stage split (ms) and how often each stage ran, its verdict
 * and strength, and planEmbed's own stages (analyse, informed).
 *
 *   npx tsx scripts/timing-embed.ts [--sizes 512,1024] [--runs N] IMAGE...
 *
 * Each image is resampled to a square of each size (as scripts/timing.ts does at 1024²).
 */
import { embed, planEmbed } from "../src/embed.ts";
import { embedVerified } from "../src/verify.ts";
import { decodeImage } from "../src/node/io.ts";
import { resizeTo } from "../src/bench/attacks.ts";

const args = process.argv.slice(2);
let sizes = [512, 1024];
let runs = 3;
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--sizes") sizes = args[++i]!.split(",").map(Number);
  else if (args[i] === "--runs") runs = Number(args[++i]);
  else files.push(args[i]!);
}
const p = 0x0123456789abcdefn;
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const cpuOf = (fn: () => void): number => {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
};
const r1 = (v: number) => Math.round(v * 10) / 10;
const load = (await import("node:os")).loadavg().map(r1);
const rows = [];
for (const file of files) {
  const src = await decodeImage(file);
  for (const size of sizes) {
    const im = await resizeTo(src, size, size);
    embed(im, p);
    const embedCpu = med(Array.from({ length: runs }, () => cpuOf(() => embed(im, p))));
    const planStages: Record<string, number> = {};
    planEmbed(im, p, { stages: planStages });
    let last = embedVerified(im, p);
    const verifiedCpu = med(Array.from({ length: runs }, () => cpuOf(() => (last = embedVerified(im, p)))));
    const row = {
      image: file.split("/").pop(),
      size,
      embedCpu: r1(embedCpu),
      embedVerifiedCpu: r1(verifiedCpu),
      verdict: last.verdict,
      strength: last.strength,
      psnr: r1(last.psnr),
      stages: Object.fromEntries(Object.entries(last.stages).map(([k, v]) => [k, r1(v)])),
      calls: last.calls,
      plan: Object.fromEntries(Object.entries(planStages).map(([k, v]) => [k, r1(v)])),
    };
    rows.push(row);
    process.stderr.write(JSON.stringify(row) + "\n");
  }
}
console.log(JSON.stringify({ load, rows }));
