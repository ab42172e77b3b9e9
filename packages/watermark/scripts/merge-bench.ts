/**
 * Merges bench JSONs of the same image set and attacks run per method (e.g. Atelier after a change,
 * the baselines from an earlier run of the same command): methods are taken from each file in turn.
 *
 *   npx tsx scripts/merge-bench.ts OUT.json A.json B.json …
 */
import { readFileSync, writeFileSync } from "node:fs";

const [out, ...inputs] = process.argv.slice(2);
if (!out || inputs.length === 0) {
  console.error("usage: tsx scripts/merge-bench.ts OUT.json IN.json [IN.json …]");
  process.exit(2);
}
const methods: Record<string, unknown> = {};
for (const f of inputs)
  Object.assign(methods, (JSON.parse(readFileSync(f, "utf8")) as { methods: object }).methods);
writeFileSync(out, JSON.stringify({ methods }, null, 2) + "\n");
console.log(`${Object.keys(methods).join(", ")} → ${out}`);
