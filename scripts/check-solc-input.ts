/**
 * Guards the solc-wasm build against its input-size crash. The npm `solc` wrapper passes the Standard-JSON
 * input of a compilation job to the wasm compiler as a C string allocated on the wasm stack (5 MiB) at four
 * bytes per character; a job whose input passes ~1,309,000 characters overflows it and solc dies with
 * `RuntimeError: memory access out of bounds` (HHE908) before compiling anything (measured:
 * contracts/README.md, "Build"). Run after `hardhat build`: prints each job's input size against that limit
 * and fails when one uses more than `--max-share` (default 0.85) of it, so the tree is split before it breaks.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";

/** Largest input (characters of JSON) solc 0.8.28's soljson.js accepted here; 1,309,218 crashed. */
export const SOLC_WASM_INPUT_LIMIT = 1_309_062;

const ROOT = path.resolve(import.meta.dirname, "..");
const BUILD_INFO_DIRS = [
  path.join(ROOT, "artifacts/build-info"),
  path.join(ROOT, "cache/test-artifacts/build-info"),
];

const { values } = parseArgs({ options: { "max-share": { type: "string", default: "0.85" } } });
const maxShare = Number(values["max-share"]);
if (!(maxShare > 0 && maxShare <= 1)) {
  console.error(`--max-share must be a number in (0, 1], got "${values["max-share"]}"`);
  process.exit(2);
}

const jobs: { file: string; chars: number; sources: number }[] = [];
for (const dir of BUILD_INFO_DIRS) {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith(".json") && !n.endsWith(".output.json"))) {
    const buildInfo = JSON.parse(await readFile(path.join(dir, name), "utf8")) as {
      input: { sources: Record<string, unknown> };
    };
    jobs.push({
      file: path.relative(ROOT, path.join(dir, name)),
      chars: JSON.stringify(buildInfo.input).length,
      sources: Object.keys(buildInfo.input.sources).length,
    });
  }
}
if (jobs.length === 0) {
  console.error("no build info found: run `npx hardhat build` first");
  process.exit(2);
}

let over = 0;
for (const job of jobs.sort((a, b) => b.chars - a.chars)) {
  const share = job.chars / SOLC_WASM_INPUT_LIMIT;
  const flag = share > maxShare ? "TOO LARGE" : "ok";
  if (share > maxShare) over++;
  console.log(
    `${flag.padEnd(9)} ${(share * 100).toFixed(1).padStart(5)}% of the solc-wasm input limit: ${job.chars} chars, ${job.sources} sources (${job.file})`,
  );
}
if (over > 0) {
  console.error(
    `${over} compilation job(s) above ${(maxShare * 100).toFixed(0)}% of the ~${SOLC_WASM_INPUT_LIMIT} characters solc-wasm takes ` +
      "before it crashes (memory access out of bounds).\nHint: import only the forge-std parts a test needs " +
      "(contracts/test/utils/AtelierSetup.sol), or compile one job per root file (`isolated: true` in " +
      "hardhat.config.ts); see contracts/README.md, Build.",
  );
  process.exit(1);
}
