/**
 * `npm run bench:start -- [--runs N] [--json FILE]`: time from `npm start` to ready on a clean checkout of
 * this working tree (nothing built, installed node_modules reused), and each service's share, read from the
 * elapsed-time marks `npm start` prints. Prints JSON: {startToReadyS, runs, stages: {<service>: seconds}}.
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { cleanCheckout } from "./test/support/clean-checkout.ts";
import { npmStart } from "./test/support/npm-start.ts";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "3" }, json: { type: "string" } },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a positive integer, got "${values.runs}"`);
  process.exit(2);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const totals: number[] = [];
const marks = new Map<string, number[]>();
for (let run = 0; run < runs; run++) {
  const checkout = await cleanCheckout();
  try {
    const stack = await npmStart(checkout.dir);
    totals.push(stack.readySeconds);
    let previous = 0;
    // Lines such as `chain      http://…  [1.9 s]` mark when each service was ready.
    for (const match of stack.output().matchAll(/^(\w+) .*\[(\d+(?:\.\d+)?) s\]$/gm)) {
      const at = Number(match[2]);
      marks.set(match[1]!, [...(marks.get(match[1]!) ?? []), at - previous]);
      previous = at;
    }
    await stack.interrupt();
  } finally {
    await checkout.remove();
  }
}
const result = {
  startToReadyS: Number(median(totals).toFixed(1)),
  runs: totals.map((s) => Number(s.toFixed(1))),
  stages: Object.fromEntries([...marks].map(([name, xs]) => [name, Number(median(xs).toFixed(1))])),
};
console.log(JSON.stringify(result, null, 2));
if (values.json) await writeFile(values.json, `${JSON.stringify(result, null, 2)}\n`);
