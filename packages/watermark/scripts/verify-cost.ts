/**
 * embedVerified cost per image (median CPU ms of this process over RUNS) with its stage split and
 * verdict, over every image of a folder (or the first LIMIT):
 *
 *   npx tsx scripts/verify-cost.ts DIR [LIMIT] [RUNS]
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { embedVerified } from "../src/verify.ts";
import { decodeImage } from "../src/node/io.ts";

const dir = process.argv[2]!;
const files = readdirSync(dir)
  .filter((f) => /\.(png|jpe?g|webp)$/i.test(f))
  .sort()
  .slice(0, Number(process.argv[3] ?? 1e9));
const runs = Number(process.argv[4] ?? 3);
const p = 0x0123456789abcdefn;
const rows = [];
for (const f of files) {
  const im = await decodeImage(join(dir, f));
  embedVerified(im, p);
  const cpu: number[] = [];
  let last = embedVerified(im, p);
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    last = embedVerified(im, p);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  cpu.sort((a, b) => a - b);
  const stages = Object.fromEntries(Object.entries(last.stages).map(([k, v]) => [k, Math.round(v)]));
  rows.push({
    f,
    size: `${im.width}x${im.height}`,
    cpuMs: Math.round(cpu[runs >> 1]!),
    verdict: last.verdict,
    strength: last.strength,
    stages,
  });
  console.log(JSON.stringify(rows[rows.length - 1]));
}
