/**
 * `npm test`: every suite of the monorepo, then one closing line `N passed, N failed` that sums them.
 * Suites: quality gates (lint, typecheck, generated ABIs up to date), the contracts (Solidity fuzz and
 * invariant tests + TypeScript tests through Hardhat's runner), every workspace's vitest tests, and the
 * dApp's browser tests (Playwright, `npm test -- web`).
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";

interface SuiteResult {
  name: string;
  passed: number;
  failed: number;
  seconds: number;
}

const ROOT = path.resolve(import.meta.dirname, "..");
const results: SuiteResult[] = [];

function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return runIn(ROOT, command, args);
}

function runIn(
  cwd: string,
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    let output = "";
    const relay = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
      output += chunk.toString();
      stream.write(chunk);
    };
    child.stdout.on("data", relay(process.stdout));
    child.stderr.on("data", relay(process.stderr));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

async function suite(name: string, body: () => Promise<{ passed: number; failed: number }>) {
  console.log(`\n━━ ${name} ━━`);
  const started = performance.now();
  const counts = await body();
  results.push({ name, ...counts, seconds: (performance.now() - started) / 1000 });
}

/** A gate counts as one check: passed when the command exits 0. */
async function gate(name: string, args: string[]) {
  await suite(name, async () => {
    const { code } = await run("npx", args);
    return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
  });
}

const only = process.argv.slice(2);
const wanted = (name: string) => only.length === 0 || only.some((o) => name.includes(o));

if (wanted("build")) {
  await gate("build: contracts compile", ["hardhat", "build", "--quiet"]);
  await gate("build: every solc-wasm job well under its input-size limit", [
    "tsx",
    "scripts/check-solc-input.ts",
  ]);
}
if (wanted("abis"))
  await gate("abis: packages/protocol ABIs + bytecode match a fresh compile", [
    "tsx",
    "scripts/export-protocol.ts",
    "--check",
  ]);
if (wanted("lint")) await gate("lint: eslint, prettier, solhint", ["npm", "run", "--silent", "lint"]);
if (wanted("typecheck"))
  await gate("typecheck: tsc strict, every workspace", ["npm", "run", "--silent", "typecheck"]);

if (wanted("subgraph"))
  await gate("subgraph: manifest, graph codegen, graph build (offline)", [
    "npm",
    "run",
    "--silent",
    "-w",
    "@atelier/subgraph",
    "build",
  ]);

if (wanted("contracts")) {
  await suite("contracts: hardhat test (solidity + nodejs)", async () => {
    const { code, output } = await run("npx", ["hardhat", "test"]);
    const clean = stripVTControlCharacters(output);
    const passed = Number(/(\d+) passing/.exec(clean)?.[1] ?? 0);
    const failed = Number(/(\d+) failing/.exec(clean)?.[1] ?? 0);
    // A crash before any summary still counts as a failure.
    return { passed, failed: code !== 0 && failed === 0 ? 1 : failed };
  });
}

if (wanted("workspaces")) {
  await suite(
    "workspaces: vitest (procedural, devchain + protocol, explain, uploads, seed, watermark, generator-node, subgraph, indexer, query, web, repo: bins + npm start on a clean checkout + the full-stack browser path)",
    async () => {
      const report = path.join(await mkdtemp(path.join(tmpdir(), "atelier-vitest-")), "report.json");
      const { code } = await run("npx", [
        "vitest",
        "run",
        "--reporter=default",
        "--reporter=json",
        `--outputFile.json=${report}`,
      ]);
      const json = JSON.parse(await readFile(report, "utf8").catch(() => "{}")) as {
        numPassedTests?: number;
        numFailedTests?: number;
      };
      const passed = json.numPassedTests ?? 0;
      const failed = json.numFailedTests ?? 0;
      return { passed, failed: code !== 0 && failed === 0 ? 1 : failed };
    },
  );
}

if (wanted("web")) {
  await suite("web: Playwright e2e (built dApp, chain, Ponder, Debian chromium)", async () => {
    const report = path.join(await mkdtemp(path.join(tmpdir(), "atelier-e2e-")), "report.json");
    const { code } = await runIn(path.join(ROOT, "web"), "npx", ["playwright", "test"], {
      ATELIER_E2E_REPORT: report,
    });
    const json = JSON.parse(await readFile(report, "utf8").catch(() => "{}")) as {
      stats?: { expected?: number; unexpected?: number; flaky?: number };
    };
    const passed = (json.stats?.expected ?? 0) + (json.stats?.flaky ?? 0);
    const failed = json.stats?.unexpected ?? 0;
    return { passed, failed: code !== 0 && failed === 0 ? 1 : failed };
  });
}

console.log("\n━━ summary ━━");
for (const r of results) {
  console.log(
    `${r.failed === 0 ? "ok  " : "FAIL"} ${r.name}: ${r.passed} passed, ${r.failed} failed (${r.seconds.toFixed(0)} s)`,
  );
}
const passed = results.reduce((sum, r) => sum + r.passed, 0);
const failed = results.reduce((sum, r) => sum + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
