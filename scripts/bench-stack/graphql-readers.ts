/**
 * `npm run bench:graphql -- [--connections 100] [--requests 20000] [--rounds 3] [--mine-every-ms 0]
 * [--json FILE] [--cpu-prof DIR]`: bench:stack's GraphQL readers against one indexer alone — a Hardhat chain with the
 * scenario's market, Ponder (PGlite) caught up on it, `--connections` concurrent autocannon clients sending
 * the readers' query (`--requests` answers per round, after a warm-up). Per round: latency percentiles and
 * the indexer process's CPU-ms per answered request (from /proc: it moves far less with the machine's load
 * than wall time does). `--mine-every-ms` mines an empty block that often, so the head moves under the
 * readers as blocks arrive in the full stack (each block: one head read, one rebuild, the rest wait on it).
 * `--cpu-prof DIR` writes a V8 CPU profile of the indexer process there when it stops (open it in Chrome's
 * DevTools or speedscope).
 */
import os from "node:os";
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
// Only the sale stack: the package index also brings the subgraph host (WebAssembly types, a DOM lib).
import { startSaleStack } from "@atelier/indexer/test-support/sales";
import { cpuMsOf } from "./cpu.ts";
import { graphqlReaders, loadEndpoint } from "./load.ts";

const { values } = parseArgs({
  options: {
    connections: { type: "string", default: "100" },
    requests: { type: "string", default: "20000" },
    rounds: { type: "string", default: "3" },
    "mine-every-ms": { type: "string", default: "0" },
    json: { type: "string" },
    "cpu-prof": { type: "string" },
  },
});
const positive = (name: string, value: string, allowZero = false) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1))
    throw new Error(`--${name} takes a whole number${allowZero ? "" : " above 0"}, got "${value}"`);
  return n;
};
const connections = positive("connections", values.connections);
const requests = positive("requests", values.requests);
const rounds = positive("rounds", values.rounds);
const mineEveryMs = positive("mine-every-ms", values["mine-every-ms"], true);
const log = (...args: unknown[]) => console.error("[bench:graphql]", ...args);
const loadavg = () => Number(os.loadavg()[0]!.toFixed(2));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const loadAverage: Record<string, number> = { atStart: loadavg() };
log("starting a chain, the scenario and Ponder");
const profileDir = values["cpu-prof"];
const stack = await startSaleStack({
  ponderNodeFlags: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [],
});
let miner: NodeJS.Timeout | undefined;
try {
  const endpoint = graphqlReaders(`${stack.ponder.url}/graphql`);
  const probe = await fetch(endpoint.url, { method: "POST", body: endpoint.body, headers: endpoint.headers });
  if (!probe.ok || (await probe.text()).includes('"errors":['))
    throw new Error(`the readers' query fails on this index (HTTP ${probe.status})`);
  let mined = 0;
  if (mineEveryMs > 0)
    miner = setInterval(() => {
      void stack.client.request({ method: "evm_mine" as never, params: [] as never }).then(() => mined++);
    }, mineEveryMs);
  log("warm-up");
  await loadEndpoint(endpoint, { connections, durationS: 60, maxRequests: Math.min(requests, 5_000) });
  const results = [];
  loadAverage.atLoad = loadavg();
  for (let round = 1; round <= rounds; round++) {
    const cpuBefore = await cpuMsOf(stack.ponder.pid);
    const benchBefore = process.cpuUsage();
    const minedBefore = mined;
    const result = await loadEndpoint(endpoint, { connections, durationS: 120, maxRequests: requests });
    const indexerCpuMs = (await cpuMsOf(stack.ponder.pid)) - cpuBefore;
    const bench = process.cpuUsage(benchBefore);
    const row = {
      ...result,
      indexerCpuMsPerRequest:
        result.requests > 0 ? Number((indexerCpuMs / result.requests).toFixed(3)) : null,
      indexerCpuMs: Math.round(indexerCpuMs),
      // The load generator runs in this process, on the same cores as the indexer.
      benchCpuMs: Math.round((bench.user + bench.system) / 1000),
      blocksMined: mined - minedBefore,
      loadAtEnd: loadavg(),
    };
    log(`round ${round}: ${JSON.stringify(row)}`);
    results.push(row);
  }
  const cache = (await (await fetch(`${stack.ponder.url}/cache/stats`)).json()) as Record<string, number>;
  loadAverage.atEnd = loadavg();
  const summary = {
    graphql: {
      p50Ms: median(results.map((r) => r.p50Ms)),
      p95Ms: median(results.map((r) => r.p95Ms)),
      p99Ms: median(results.map((r) => r.p99Ms)),
      rps: median(results.map((r) => r.rps)),
      indexerCpuMsPerRequest: median(results.map((r) => r.indexerCpuMsPerRequest ?? Number.NaN)),
      errors: results.reduce((n, r) => n + r.errors, 0),
    },
    rounds: results,
    cache,
    settings: { connections, requests, rounds, mineEveryMs, cores: os.cpus().length },
    // Several engineers share these cores: a timing means little without the load it ran under.
    loadAverage,
  };
  console.log(JSON.stringify(summary, null, 2));
  if (values.json) await writeFile(values.json, `${JSON.stringify(summary, null, 2)}\n`);
} finally {
  if (miner) clearInterval(miner);
  await stack.stop();
}
