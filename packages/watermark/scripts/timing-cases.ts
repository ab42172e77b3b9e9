/**
 * Detect cost per stage by case at 1024²: CPU-ms (process.cpuUsage, median) and the stage split
 * (mean ms, diagnostics.stages) for unmarked images and for marked images under geometric attacks.
 *
 *   npx tsx scripts/timing-cases.ts [--runs N] [--cases a,b] IMAGE...
 *
 * Prints one JSON object: { load, cases: { <case>: { cpu, wall, found, stages } } }, each figure the
 * median over the images of the per-image median over N runs.
 */
import { embed } from "../src/embed.ts";
import { detect, type DetectDiagnostics } from "../src/detect.ts";
import { decodeImage } from "../src/node/io.ts";
import { ATTACKS, resizeTo } from "../src/bench/attacks.ts";
import { Prng } from "../src/prng.ts";
import type { RawImage } from "../src/image.ts";

const args = process.argv.slice(2);
let runs = 3;
let caseNames = ["unmarked", "none", "rotate2", "rotate10", "aspectX0.9", "flipH", "resize0.5", "crop0.25"];
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--runs") runs = Number(args[++i]);
  else if (args[i] === "--cases") caseNames = args[++i]!.split(",");
  else files.push(args[i]!);
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const p = 0x0123456789abcdefn;
type Row = { cpu: number; wall: number; found: number; stages: Record<string, number> };
const perCase: Record<string, Row[]> = {};
for (const file of files) {
  const im = await resizeTo(await decodeImage(file), 1024, 1024);
  const mk = embed(im, p);
  for (const name of caseNames) {
    let input: RawImage;
    if (name === "unmarked") input = im;
    else {
      const attack = ATTACKS[name];
      if (!attack) throw new Error(`unknown case ${name}: use "unmarked" or an attack name`);
      input = await attack(mk, new Prng(7));
    }
    detect(input);
    const cpu: number[] = [];
    const wall: number[] = [];
    const acc: Record<string, number> = {};
    let found = 0;
    for (let r = 0; r < runs; r++) {
      const d = {} as DetectDiagnostics;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const res = detect(input, d);
      wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      if (res && res.payload === p) found = 1;
      for (const [k, v] of Object.entries(d.stages ?? {})) acc[k] = (acc[k] ?? 0) + v / runs;
    }
    (perCase[name] ??= []).push({ cpu: med(cpu), wall: med(wall), found, stages: acc });
    process.stderr.write(`${file.split("/").pop()} ${name} cpu ${med(cpu).toFixed(0)} found ${found}\n`);
  }
}
const r1 = (v: number) => Math.round(v * 10) / 10;
const cases = Object.fromEntries(
  Object.entries(perCase).map(([name, rows]) => {
    const keys = [...new Set(rows.flatMap((r) => Object.keys(r.stages)))];
    return [
      name,
      {
        images: rows.length,
        found: rows.reduce((s, r) => s + r.found, 0),
        cpu: r1(med(rows.map((r) => r.cpu))),
        cpuMax: r1(Math.max(...rows.map((r) => r.cpu))),
        wall: r1(med(rows.map((r) => r.wall))),
        stages: Object.fromEntries(keys.map((k) => [k, r1(med(rows.map((r) => r.stages[k] ?? 0)))])),
      },
    ];
  }),
);
const load = (await import("node:os")).loadavg().map((v) => Math.round(v * 10) / 10);
console.log(JSON.stringify({ load, runs, cases }));
