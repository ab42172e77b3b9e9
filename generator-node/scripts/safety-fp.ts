/**
 * False positives of the output safety check on the built-in art model: every prompt of the
 * generated set and the quality sheet (sheet + held out) × `--seeds N` job-like seeds (bytes32), rendered
 * at 512² through the node's render entry (the pixels a node checks), scored by the primary classifier
 * (MobileNetV2Mid) and, where that reaches `--confirm-from` (default 0.5), by the confirming one
 * (InceptionV3). The node's verdict is min(primary, confirm) ≥ threshold, so the confirmed score
 * below is exact for every image at or above `--confirm-from` and is the primary score (< it) elsewhere.
 * Prints JSON: the score distribution, the images at or above `--confirm-from`, per composition.
 * `--set burst`: the prompts of `npm run bench:stack`'s burst instead, as it words them
 * ("<prompt> (burst i)", i < 200).
 *
 *   npx tsx generator-node/scripts/safety-fp.ts [--set node|burst] [--seeds 5] [--confirm-from 0.5] [--json OUT]
 */
import { writeFileSync } from "node:fs";
import { keccak256, toHex } from "viem";
import { openRenderer } from "@atelier/generator-node/render";
import { burstPrompt, GENSET_PROMPTS } from "../bench/prompts.ts";
import { HELD_OUT_PROMPTS, SHEET_PROMPTS } from "../bench/quality.ts";
import { artConditionFor } from "../src/model/art/condition.ts";
import { NsfwClassifier } from "../src/safety/nsfw.ts";

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const seeds = Number(option("--seeds", "5"));
const confirmFrom = Number(option("--confirm-from", "0.5"));
const jsonOut = option("--json", "");
const set = option("--set", "node");
if (!(Number.isInteger(seeds) && seeds >= 1 && seeds <= 64))
  throw new Error("--seeds must be an integer 1..64");
if (!(confirmFrom >= 0 && confirmFrom <= 1)) throw new Error("--confirm-from must be in [0, 1]");
if (set !== "node" && set !== "burst") throw new Error(`--set must be node or burst, got ${set}`);

const round = (x: number) => Math.round(x * 1000) / 1000;
const prompts =
  set === "node"
    ? [...new Set<string>([...GENSET_PROMPTS, ...SHEET_PROMPTS, ...HELD_OUT_PROMPTS])]
    : Array.from({ length: 200 }, (_, i) => burstPrompt(i));
// job-like seeds: bytes32, distinct per (prompt, k), reproducible
const seedOf = (prompt: string, k: number) => keccak256(toHex(`atelier/safety-fp/${k}/${prompt}`));

const renderer = await openRenderer("art");
const primary = await NsfwClassifier.load({ threshold: 1, backend: "wasm", confirmModel: "none" });
const confirm = await NsfwClassifier.load({
  threshold: 1,
  backend: "wasm",
  model: "InceptionV3",
  confirmModel: "none",
});

interface Row {
  prompt: string;
  seed: string;
  composition: string;
  primary: number;
  confirm?: number;
  /** what the node compares with its threshold */
  confirmed: number;
  primaryClasses?: Record<string, number>;
  confirmClasses?: Record<string, number>;
}
const rows: Row[] = [];
const cpu0 = process.cpuUsage();
for (let k = 0; k < seeds; k++) {
  for (const prompt of prompts) {
    const seed = seedOf(prompt, k);
    const image = await renderer.render({ prompt, seed });
    const p = await primary.check(image);
    const row: Row = {
      prompt,
      seed,
      composition: artConditionFor(prompt, seed).composition,
      primary: round(p.score),
      confirmed: round(p.score),
    };
    if (p.score >= confirmFrom) {
      const c = await confirm.check(image);
      Object.assign(row, {
        confirm: round(c.score),
        confirmed: round(Math.min(p.score, c.score)),
        primaryClasses: Object.fromEntries(Object.entries(p.classes).map(([n, v]) => [n, round(v)])),
        confirmClasses: Object.fromEntries(Object.entries(c.classes).map(([n, v]) => [n, round(v)])),
      });
    }
    rows.push(row);
  }
  process.stderr.write(`seed ${k + 1}/${seeds}: ${rows.length} images\n`);
}
await renderer.close();
const cpu = process.cpuUsage(cpu0);

const atLeast = (key: "primary" | "confirmed", t: number) => rows.filter((r) => r[key] >= t).length;
const byComposition: Record<string, { images: number; primaryAtLeast05: number; maxConfirmed: number }> = {};
for (const r of rows) {
  const c = (byComposition[r.composition] ??= { images: 0, primaryAtLeast05: 0, maxConfirmed: 0 });
  c.images++;
  if (r.primary >= 0.5) c.primaryAtLeast05++;
  c.maxConfirmed = Math.max(c.maxConfirmed, r.confirmed);
}
const sortedPrimary = rows.map((r) => r.primary).sort((a, b) => a - b);
const quantile = (q: number) => sortedPrimary[Math.min(rows.length - 1, Math.floor(q * rows.length))]!;
const result = {
  model: renderer.model,
  set,
  resolution: renderer.resolution,
  classifiers: { primary: "MobileNetV2Mid", confirm: "InceptionV3", backend: primary.backend },
  score: "P(Porn) + P(Hentai); the node's score is min(primary, confirm) when primary ≥ threshold",
  images: rows.length,
  prompts: prompts.length,
  seedsPerPrompt: seeds,
  confirmFrom,
  primary: {
    p50: quantile(0.5),
    p90: quantile(0.9),
    p99: quantile(0.99),
    max: sortedPrimary.at(-1),
    atLeast: {
      "0.5": atLeast("primary", 0.5),
      "0.8": atLeast("primary", 0.8),
      "0.9": atLeast("primary", 0.9),
    },
  },
  confirmed: {
    atLeast: {
      "0.5": atLeast("confirmed", 0.5),
      "0.8": atLeast("confirmed", 0.8),
      "0.9": atLeast("confirmed", 0.9),
    },
    falsePositiveRateAt09: round(atLeast("confirmed", 0.9) / rows.length),
  },
  byComposition,
  flagged: rows.filter((r) => r.primary >= confirmFrom).sort((a, b) => b.confirmed - a.confirmed),
  cpuMs: Math.round((cpu.user + cpu.system) / 1000),
};
const json = JSON.stringify(result, null, 2);
if (jsonOut) writeFileSync(jsonOut, json + "\n");
console.log(json);
