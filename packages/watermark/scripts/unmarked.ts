/**
 * False positives on unmarked images, and what the detector spends on them: detect() on every image
 * of the given sets as they are (no mark), printing JSON with the hits, the highest pilot z any
 * candidate reached (the list decoder runs only from LIST_MIN_Z), the decodes and list-decoder CRC
 * tests spent, and detect CPU-ms (process.cpuUsage, so the figure moves less with the load).
 *
 * With `--trials N` it runs the benchmark's N unmarked trials on those images instead (random crops,
 * rescales, rotations, flips, JPEG, noise images: src/bench/false-positives.ts) and prints the hits,
 * with the same per-read figures (detect CPU-ms quantiles, the highest pilot z, decodes, list tests).
 *
 *   npx tsx scripts/unmarked.ts DIR|FILE,... [DIR ...] [--json FILE] [--trials N]
 */
import { writeFileSync } from "node:fs";
import { basename } from "node:path";
import { detect, FALSE_POSITIVE_BOUND, LIST_MIN_Z, type DetectDiagnostics } from "../src/detect.ts";
import { decodeImage } from "../src/node/io.ts";
import { falsePositives } from "../src/bench/false-positives.ts";
import { METHODS } from "../src/bench/methods.ts";
import { imageFiles } from "./image-files.ts";

const args = process.argv.slice(2);
const ji = args.indexOf("--json");
const jsonOut = ji >= 0 ? args.splice(ji, 2)[1] : undefined;
const ti = args.indexOf("--trials");
const trials = ti >= 0 ? Number(args.splice(ti, 2)[1]) : 0;
const files = args.flatMap((a) => imageFiles(a));
if (trials > 0) {
  const images = [];
  for (const f of files) images.push({ image: await decodeImage(f) });
  const atelier = METHODS.find((m) => m.name === "atelier")!;
  // the benchmark's own decision (the atelier method's decode), with each read's detect CPU and
  // diagnostics taken beside it
  const reads: {
    cpu: number;
    z: number;
    decodes: number;
    listTests: number;
    lowDecodes: number;
    pixels: number;
  }[] = [];
  const measured = {
    ...atelier,
    decode: (im: Parameters<typeof atelier.decode>[0]) => {
      const diag = {} as DetectDiagnostics;
      const c0 = process.cpuUsage();
      const d = detect(im, diag);
      const c = process.cpuUsage(c0);
      reads.push({
        cpu: (c.user + c.system) / 1000,
        z: diag.hypotheses?.[0]?.z ?? 0,
        decodes: diag.decodes,
        listTests: diag.listTests ?? 0,
        lowDecodes: diag.lowDecodes ?? 0,
        pixels: im.width * im.height,
      });
      return { found: d ? d.payload : null, raw: d ? d.payload : (diag.rawPayload ?? null) };
    },
  };
  const t0 = process.cpuUsage();
  const hits = await falsePositives(measured, images, trials);
  const t = process.cpuUsage(t0);
  const cpu = reads.map((r) => r.cpu).sort((a, b) => a - b);
  const zs = reads.map((r) => r.z).sort((a, b) => b - a);
  const q = (a: number[], f: number) => Math.round(a[Math.min(a.length - 1, Math.floor(a.length * f))]!);
  const out = {
    images: files.length,
    falsePositives: { hits, trials },
    cpuMsPerTrial: Math.round((t.user + t.system) / 1000 / trials),
    reads: reads.length,
    // detect alone, per read (the trial's crop, rescale, rotation and JPEG are outside it)
    detectCpuMs: { p50: q(cpu, 0.5), p90: q(cpu, 0.9), p99: q(cpu, 0.99), max: q(cpu, 1) },
    falsePositiveBound: FALSE_POSITIVE_BOUND,
    listMinZ: LIST_MIN_Z,
    readsReachingListZ: zs.filter((z) => z >= LIST_MIN_Z).length,
    maxPilotZ: zs.slice(0, 5).map((z) => Math.round(z * 100) / 100),
    decodes: reads.reduce((s, r) => s + r.decodes, 0),
    listTests: reads.reduce((s, r) => s + r.listTests, 0),
    lowDecodes: reads.reduce((s, r) => s + r.lowDecodes, 0),
  };
  console.log(JSON.stringify(out, null, 2));
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(out, null, 2) + "\n");
  process.exit(0);
}
let hits = 0;
let listRuns = 0;
let listTests = 0;
let decodes = 0;
const cpu: number[] = [];
const top: { image: string; z: number }[] = [];
for (const f of files) {
  const im = await decodeImage(f);
  const diag = {} as DetectDiagnostics;
  const t0 = process.cpuUsage();
  const d = detect(im, diag);
  const t = process.cpuUsage(t0);
  cpu.push((t.user + t.system) / 1000);
  if (d) {
    hits++;
    console.log(`FALSE POSITIVE ${basename(f)}: ${d.payload.toString(16)}`);
  }
  decodes += diag.decodes;
  listTests += diag.listTests ?? 0;
  if ((diag.listTests ?? 0) > 0) listRuns++;
  top.push({ image: basename(f), z: diag.hypotheses?.[0]?.z ?? 0 });
}
top.sort((a, b) => b.z - a.z);
cpu.sort((a, b) => a - b);
const out = {
  images: files.length,
  falsePositives: { hits, trials: files.length },
  falsePositiveBound: FALSE_POSITIVE_BOUND,
  listMinZ: LIST_MIN_Z,
  imagesReachingListZ: top.filter((t) => t.z >= LIST_MIN_Z).length,
  imagesWithListDecode: listRuns,
  listTests,
  decodes,
  maxPilotZ: top.slice(0, 5).map((t) => ({ image: t.image, z: Math.round(t.z * 100) / 100 })),
  detectCpuMs: {
    p50: Math.round(cpu[Math.floor(cpu.length / 2)]!),
    p90: Math.round(cpu[Math.floor(cpu.length * 0.9)]!),
    max: Math.round(cpu[cpu.length - 1]!),
  },
};
console.log(JSON.stringify(out, null, 2));
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(out, null, 2) + "\n");
