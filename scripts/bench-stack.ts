/**
 * `npm run bench:stack -- [--json FILE] [--duration 60] [--connections 100] [--jobs 200] [--max-requests N]
 *   [--drain-timeout 1800] [--drain-stall 60] [--skip uploads,burst] [--uncached-duration 10]
 *   [--indexer-probe FILE] [--indexer-cpu-prof FILE]`:
 * the whole stack under load, on a clean checkout of this working tree started with `npm start` on free
 * loopback ports (nothing built beforehand, installed node_modules reused):
 *
 *   startToReadyS            `npm start` → its "ready" line
 *   uploads                  20 concurrent uploads to the dApp's /api/uploads, good and bad (bench-stack/uploads.ts)
 *   burst                    `--jobs` generation requests at once, drained by the stack's node (bench-stack/burst.ts)
 *   load.<endpoint>          `--connections` concurrent readers for `--duration` s each on Explore, a work page
 *                            and the indexer's GraphQL (autocannon, bench-stack/load.ts), after the burst so
 *                            the index holds its works; with the bench's own CPU (autocannon shares the cores)
 *   uncached.<endpoint>      the same readers for `--uncached-duration` s with `Cache-Control: no-cache` (the
 *                            read caches recompute every answer): what a request costs when it is not kept
 *
 * With the load average and the stack's CPU-ms per request / per job (the figures that move least when
 * others share the machine). Prints the JSON; `--json FILE` writes it too. `--indexer-probe FILE` writes
 * where the indexer's time went during the burst (Ponder's metrics, a per-second timeline of chain /
 * fetched / indexed block; bench-stack/indexer-probe.ts), `--indexer-cpu-prof FILE` a CPU profile of it.
 */
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { readDeployment } from "@atelier/protocol/node";
import { cleanCheckout } from "./test/support/clean-checkout.ts";
import { npmStart } from "./test/support/npm-start.ts";
import { generationBurst } from "./bench-stack/burst.ts";
import { cpuSpent, stackCpuMs } from "./bench-stack/cpu.ts";
import { graphqlReaders, loadEndpoint, type Endpoint } from "./bench-stack/load.ts";
import { uploadStorm } from "./bench-stack/uploads.ts";
import { startIndexerProbe } from "./bench-stack/indexer-probe.ts";

const { values } = parseArgs({
  options: {
    json: { type: "string" },
    duration: { type: "string", default: "60" },
    connections: { type: "string", default: "100" },
    jobs: { type: "string", default: "200" },
    "max-requests": { type: "string", default: "200000" },
    "drain-timeout": { type: "string", default: "1800" },
    // Seconds without a job settling after which the burst stops waiting (the rest count as lost).
    "drain-stall": { type: "string", default: "60" },
    "uncached-duration": { type: "string", default: "10" },
    // Parts to leave out of a quick run (`uploads`, `burst`); their keys are then absent.
    skip: { type: "string", default: "" },
    "indexer-probe": { type: "string" },
    "indexer-cpu-prof": { type: "string" },
  },
});
const positive = (name: keyof typeof values) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a positive integer, got "${values[name]}"`);
    process.exit(2);
  }
  return n;
};
const durationS = positive("duration");
const connections = positive("connections");
const jobs = positive("jobs");
const maxRequests = positive("max-requests");
const drainTimeoutS = positive("drain-timeout");
const drainStallS = positive("drain-stall");
const uncachedS = positive("uncached-duration");
const skip = new Set(values.skip.split(",").filter(Boolean));
for (const part of skip)
  if (part !== "uploads" && part !== "burst") {
    console.error(`--skip takes uploads and/or burst, got "${part}"`);
    process.exit(2);
  }

const log = (line: string) =>
  console.error(`[bench:stack ${new Date().toISOString().slice(11, 19)}] ${line}`);
const loadavg = () => Number(os.loadavg()[0]!.toFixed(2));
const load: Record<string, number> = { atStart: loadavg() };

const checkout = await cleanCheckout();
const stack = await npmStart(checkout.dir).catch(async (error: unknown) => {
  await checkout.remove();
  throw error;
});
try {
  const output = stack.output();
  const startToReadyS = Number(stack.readySeconds.toFixed(1));
  log(`npm start ready in ${startToReadyS} s`);
  const web = `http://127.0.0.1:${stack.webPort}`;
  const graphqlUrl = `http://127.0.0.1:${stack.indexerPort}/graphql`;
  const gatewayUrl = `http://127.0.0.1:${stack.gatewayPort}`;
  const rpcUrl = `http://127.0.0.1:${stack.chainPort}`;
  const chainId = Number(/chain id (\d+)/.exec(output)?.[1] ?? "31337");
  const modelId = Number(/serving model (\d+)/.exec(output)?.[1] ?? "1");
  const workId = /fulfilled as work (\d+)/.exec(output)?.[1] ?? "1";
  const deployment = await readDeployment(
    path.join(checkout.dir, `packages/protocol/deployments/${chainId}.json`),
  );

  const uploads = skip.has("uploads")
    ? undefined
    : await (async () => {
        log("uploads: 20 at once");
        const result = await uploadStorm({
          webUrl: web,
          gatewayUrl,
          stateDir: path.join(checkout.dir, ".atelier"),
        });
        log(`uploads: ${JSON.stringify(result)}`);
        return result;
      })();

  const burst = skip.has("burst")
    ? undefined
    : await (async () => {
        log(`burst: ${jobs} generation requests`);
        load.atBurst = loadavg();
        const cpuBeforeBurst = await stackCpuMs(checkout.dir);
        const probe =
          values["indexer-probe"] || values["indexer-cpu-prof"]
            ? await startIndexerProbe({
                indexerUrl: `http://127.0.0.1:${stack.indexerPort}`,
                rpcUrl,
                checkoutDir: checkout.dir,
                cpuProfile: values["indexer-cpu-prof"] && path.resolve(values["indexer-cpu-prof"]),
              })
            : undefined;
        const result = await generationBurst({
          rpcUrl,
          graphqlUrl,
          deployment,
          modelId,
          jobs,
          senders: 10,
          timeoutMs: drainTimeoutS * 1000,
          stallMs: drainStallS * 1000,
          log,
        });
        const burstCpu = cpuSpent(cpuBeforeBurst, await stackCpuMs(checkout.dir));
        log(`burst: ${JSON.stringify(result)}`);
        if (probe) {
          const probed = { ...(await probe.stop()), burst: result, burstCpuMsByService: burstCpu };
          if (values["indexer-probe"])
            await writeFile(values["indexer-probe"], `${JSON.stringify(probed, null, 2)}\n`);
          log(`burst: indexer handlers ${JSON.stringify(probed.handlers)}`);
        }
        const burstCpuTotal = Object.values(burstCpu).reduce((a, b) => a + b, 0);
        return {
          ...result,
          nodeCpuMsPerJob: Math.round((burstCpu.node ?? 0) / Math.max(1, result.fulfilled)),
          stackCpuMsPerJob: Math.round(burstCpuTotal / Math.max(1, result.fulfilled)),
          cpuMsByService: burstCpu,
        };
      })();

  const endpoints: Endpoint[] = [
    { name: "explore", url: `${web}/` },
    { name: "work", url: `${web}/works/${workId}` },
    graphqlReaders(graphqlUrl),
  ];
  /** Readers on one endpoint, with what the stack and this process (autocannon) spent meanwhile. */
  const measure = async (endpoint: Endpoint, seconds: number) => {
    const before = await stackCpuMs(checkout.dir);
    const benchBefore = process.cpuUsage();
    const result = await loadEndpoint(endpoint, { connections, durationS: seconds, maxRequests });
    const bench = process.cpuUsage(benchBefore);
    const spent = cpuSpent(before, await stackCpuMs(checkout.dir));
    const total = Object.values(spent).reduce((a, b) => a + b, 0);
    return {
      ...result,
      // Per answered request; none answered (every one timed out) leaves nothing to divide by.
      stackCpuMsPerRequest: result.requests > 0 ? Number((total / result.requests).toFixed(2)) : null,
      cpuMsByService: spent,
      // The load generator runs in this process, on the same cores as the stack.
      benchCpuMs: Math.round((bench.user + bench.system) / 1000),
      loadAtEnd: loadavg(),
    };
  };
  const loadResults: Record<string, unknown> = {};
  const uncached: Record<string, unknown> = {};
  load.atLoad = loadavg();
  for (const endpoint of endpoints) {
    log(`load: ${connections} readers on ${endpoint.name} (${endpoint.url}) for ${durationS} s`);
    loadResults[endpoint.name] = await measure(endpoint, durationS);
    log(`load: ${endpoint.name} ${JSON.stringify(loadResults[endpoint.name])}`);
  }
  for (const endpoint of endpoints) {
    log(`uncached: ${connections} readers on ${endpoint.name}, Cache-Control: no-cache, for ${uncachedS} s`);
    const fresh = { ...endpoint, headers: { ...endpoint.headers, "cache-control": "no-cache" } };
    uncached[endpoint.name] = await measure(fresh, uncachedS);
    log(`uncached: ${endpoint.name} ${JSON.stringify(uncached[endpoint.name])}`);
  }

  load.atEnd = loadavg();
  const result = {
    startToReadyS,
    load: loadResults,
    uncached,
    ...(burst ? { burst } : {}),
    ...(uploads ? { uploads } : {}),
    settings: {
      connections,
      durationS,
      uncachedS,
      maxRequests,
      jobs,
      skip: [...skip],
      cores: os.cpus().length,
    },
    // Several engineers share these 2 cores: a timing means little without the load it ran under.
    loadAverage: load,
  };
  console.log(JSON.stringify(result, null, 2));
  if (values.json) await writeFile(values.json, `${JSON.stringify(result, null, 2)}\n`);
} finally {
  await stack.interrupt();
  await checkout.remove();
}
