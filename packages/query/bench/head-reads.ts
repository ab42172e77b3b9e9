/**
 * `npm run -w @atelier/query bench:head [-- --concurrency N --seconds S --service-ms D]`: what the read
 * caches' head reads cost under concurrent readers. A local HTTP server stands for the indexer's
 * `GET /head` (answering after `--service-ms`, the checkpoint query's cost); N readers each ask for the
 * head, then ask again, for S seconds — once with a request per read ("direct", what an uncoalesced
 * cache would do) and once through `freshReader` (what both caches use: readers waiting at the same
 * moment share one read, and none gets a read that began before it asked). Prints JSON:
 *   <mode>.reads            head reads served by the stand-in indexer
 *   <mode>.headCalls        head() calls answered (one per cached page or query)
 *   <mode>.readsPerCall     reads / calls
 *   <mode>.p50Ms / p95Ms    wait of one head() call
 *   <mode>.cpuMsPerCall     CPU of this process (client and server together) per call
 */
import { createServer } from "node:http";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { freshReader } from "../src/read-cache.ts";

const { values } = parseArgs({
  options: {
    concurrency: { type: "string", default: "100" },
    seconds: { type: "string", default: "5" },
    "service-ms": { type: "string", default: "2" },
  },
});
const concurrency = Math.max(1, Number(values.concurrency));
const seconds = Math.max(0.5, Number(values.seconds));
const serviceMs = Math.max(0, Number(values["service-ms"]));

let reads = 0;
const server = createServer((req, res) => {
  reads++;
  setTimeout(() => {
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify({ checkpoint: "1", block: 1, timestamp: 1 }));
  }, serviceMs);
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address() as { port: number };
const readHead = async () => (await fetch(`http://127.0.0.1:${port}/head`)).json();

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2));
};

async function run(head: () => Promise<unknown>) {
  reads = 0;
  const waits: number[] = [];
  const cpu = process.cpuUsage();
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        await head();
        waits.push(performance.now() - t);
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return {
    reads,
    headCalls: waits.length,
    readsPerCall: Number((reads / waits.length).toFixed(4)),
    p50Ms: quantile(waits, 0.5),
    p95Ms: quantile(waits, 0.95),
    cpuMsPerCall: Number(((used.user + used.system) / 1000 / waits.length).toFixed(4)),
  };
}

const load = loadavg()[0]!;
const direct = await run(readHead);
const coalesced = await run(freshReader(readHead));
server.close();
console.log(
  JSON.stringify(
    { concurrency, seconds, serviceMs, loadAvg1m: Number(load.toFixed(2)), direct, coalesced },
    null,
    2,
  ),
);
