/**
 * `npm run bench:start -- [--runs N] [--json FILE]`: time from `npm start` to ready on a clean checkout of
 * this working tree (nothing built, installed node_modules reused), and each service's share, read from the
 * `share <service> <s> s <pct> %` lines of the banner `npm start` prints (a fresh checkout builds the dApp:
 * `web-build` is the part of that build the other services did not hide). Prints JSON:
 * {startToReadyS, runs, shares: {<service>: {seconds, percent}}, load} (medians over the runs).
 */
import { writeFile } from "node:fs/promises";
import os from "node:os";
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
const loadAtStart = os.loadavg()[0]!;
for (let run = 0; run < runs; run++) {
  const checkout = await cleanCheckout();
  try {
    const stack = await npmStart(checkout.dir);
    totals.push(stack.readySeconds);
    // What the banner cannot see: npm and tsx starting `scripts/start.ts` before its clock runs.
    const inside = Number(/start time (\d+(?:\.\d+)?) s/.exec(stack.output())?.[1] ?? stack.readySeconds);
    marks.set("launch", [...(marks.get("launch") ?? []), stack.readySeconds - inside]);
    for (const match of stack.output().matchAll(/^ +share (\S+) +(\d+(?:\.\d+)?) s/gm))
      marks.set(match[1]!, [...(marks.get(match[1]!) ?? []), Number(match[2])]);
    // The last run's whole output on stderr: what a newcomer sees (the README quotes it).
    if (run === runs - 1) console.error(stack.output());
    await stack.interrupt();
  } finally {
    await checkout.remove();
  }
}
const result = {
  startToReadyS: Number(median(totals).toFixed(1)),
  runs: totals.map((s) => Number(s.toFixed(1))),
  shares: Object.fromEntries(
    [...marks].map(([name, xs]) => {
      const seconds = median(xs);
      return [
        name,
        { seconds: Number(seconds.toFixed(1)), percent: Math.round((100 * seconds) / median(totals)) },
      ];
    }),
  ),
  // Several engineers share these 2 cores: a timing means little without the load it ran under.
  load: { atStart: Number(loadAtStart.toFixed(2)), atEnd: Number(os.loadavg()[0]!.toFixed(2)) },
};
console.log(JSON.stringify(result, null, 2));
if (values.json) await writeFile(values.json, `${JSON.stringify(result, null, 2)}\n`);
