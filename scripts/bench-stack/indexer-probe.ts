/**
 * Where the indexer's time goes during a burst, from outside its process:
 *
 *  - Ponder's Prometheus metrics (`GET /metrics`) read before and after, as deltas: per event handler
 *    (count, total ms), per database method, per RPC method, realtime block latency;
 *  - a timeline, one sample a second: the chain's head, the block Ponder's realtime sync has fetched
 *    (`ponder_sync_block`) and the block it has indexed (`GET /head`), with the indexer's CPU-ms;
 *  - optionally a V8 CPU profile of the Ponder process (`--indexer-cpu-prof FILE`): its inspector is
 *    opened with SIGUSR1 (on 127.0.0.1:9229) and driven over the DevTools protocol.
 */
import { writeFile } from "node:fs/promises";
import { cpuMsOf } from "./cpu.ts";
import { processesUnder } from "../test/support/processes.ts";

type Samples = Map<string, number>;

/** `name{labels} value` lines of a Prometheus text answer (comments and NaN skipped). */
export function parsePrometheus(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    const value = Number(line.slice(at + 1));
    if (Number.isFinite(value)) samples.set(line.slice(0, at), value);
  }
  return samples;
}

async function scrape(indexerUrl: string): Promise<Samples> {
  const response = await fetch(`${indexerUrl}/metrics`);
  if (!response.ok) throw new Error(`GET ${indexerUrl}/metrics answered ${response.status}`);
  return parsePrometheus(await response.text());
}

/** Histograms of `name` as `{ label: { count, totalMs } }` between two scrapes (only those that moved). */
function histogramDelta(before: Samples, after: Samples, name: string, label: string) {
  const out: Record<string, { count: number; totalMs: number }> = {};
  for (const [key, sum] of after) {
    if (!key.startsWith(`${name}_sum`)) continue;
    const labelValue = new RegExp(`${label}="([^"]*)"`).exec(key)?.[1] ?? "";
    const countKey = key.replace(`${name}_sum`, `${name}_count`);
    const count = (after.get(countKey) ?? 0) - (before.get(countKey) ?? 0);
    if (count <= 0) continue;
    const totalMs = sum - (before.get(key) ?? 0);
    out[labelValue] = { count, totalMs: Math.round(totalMs) };
  }
  return out;
}

/** Counters of `name` as `{ "label=value,…": delta }` between two scrapes (only those that moved). */
function counterDelta(before: Samples, after: Samples, name: string) {
  const out: Record<string, number> = {};
  for (const [key, value] of after) {
    if (!key.startsWith(`${name}{`)) continue;
    const delta = value - (before.get(key) ?? 0);
    if (delta > 0) out[key.slice(name.length + 1, -1).replaceAll('"', "")] = delta;
  }
  return out;
}

const gauge = (samples: Samples, name: string) =>
  [...samples].find(([key]) => key === name || key.startsWith(`${name}{`))?.[1];

export interface TimelineSample {
  /** Seconds since the probe started. */
  t: number;
  chainBlock: number;
  syncedBlock: number | undefined;
  indexedBlock: number | undefined;
  indexerCpuMs: number;
}

export interface IndexerProbe {
  /** Stops sampling; the metric deltas since `startIndexerProbe`, the timeline, the profile's path. */
  stop(): Promise<{
    handlers: Record<string, { count: number; totalMs: number }>;
    databaseMethods: Record<string, { count: number; totalMs: number }>;
    rpcMethods: Record<string, { count: number; totalMs: number }>;
    realtimeLatency: Record<string, { count: number; totalMs: number }>;
    /** The indexing cache's hits and misses (a miss is a database read) and store calls, per table. */
    cacheRequests: Record<string, number>;
    cacheQueries: Record<string, { count: number; totalMs: number }>;
    storeQueries: Record<string, number>;
    timeline: TimelineSample[];
    cpuProfile?: string;
  }>;
}

async function rpcBlockNumber(rpcUrl: string): Promise<number> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
  });
  return Number(((await response.json()) as { result: string }).result);
}

async function ponderPid(checkoutDir: string): Promise<number> {
  const found = (await processesUnder(checkoutDir)).find(
    (p) => p.command.includes("ponder") && p.command.includes(" start"),
  );
  if (!found) throw new Error(`no Ponder process under ${checkoutDir}`);
  return found.pid;
}

/** A DevTools-protocol session with a Node.js process's inspector (opened by SIGUSR1). */
async function inspectorSession(pid: number) {
  process.kill(pid, "SIGUSR1");
  let target: { webSocketDebuggerUrl: string } | undefined;
  for (let i = 0; i < 50 && !target; i++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    target = await fetch("http://127.0.0.1:9229/json/list")
      .then(async (r) => ((await r.json()) as { webSocketDebuggerUrl: string }[])[0])
      .catch(() => undefined);
  }
  if (!target) throw new Error(`the inspector of process ${pid} did not open on 127.0.0.1:9229`);
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = () => reject(new Error("cannot connect to the indexer's inspector"));
  });
  let nextId = 1;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.onmessage = (message) => {
    const { id, result } = JSON.parse(String(message.data)) as { id?: number; result?: unknown };
    if (id !== undefined) waiting.get(id)?.(result);
  };
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => socket.close() };
}

export async function startIndexerProbe(options: {
  indexerUrl: string;
  rpcUrl: string;
  checkoutDir: string;
  cpuProfile?: string;
}): Promise<IndexerProbe> {
  const before = await scrape(options.indexerUrl);
  const pid = await ponderPid(options.checkoutDir);
  const session = options.cpuProfile ? await inspectorSession(pid) : undefined;
  if (session) {
    await session.send("Profiler.enable");
    await session.send("Profiler.setSamplingInterval", { interval: 1000 });
    await session.send("Profiler.start");
  }
  const started = performance.now();
  const timeline: TimelineSample[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const [chainBlock, samples, head, indexerCpuMs] = await Promise.all([
        rpcBlockNumber(options.rpcUrl),
        scrape(options.indexerUrl),
        fetch(`${options.indexerUrl}/head`).then((r) => r.json() as Promise<{ block?: number | string }>),
        cpuMsOf(pid),
      ]);
      timeline.push({
        t: Number(((performance.now() - started) / 1000).toFixed(1)),
        chainBlock,
        syncedBlock: gauge(samples, "ponder_sync_block"),
        indexedBlock: head.block === undefined ? undefined : Number(head.block),
        indexerCpuMs,
      });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  })();
  return {
    async stop() {
      sampling = false;
      await sampler;
      let cpuProfile: string | undefined;
      if (session && options.cpuProfile) {
        const { profile } = (await session.send("Profiler.stop")) as { profile: unknown };
        await writeFile(options.cpuProfile, JSON.stringify(profile));
        await session.send("Profiler.disable");
        session.close();
        cpuProfile = options.cpuProfile;
      }
      const after = await scrape(options.indexerUrl);
      return {
        handlers: histogramDelta(before, after, "ponder_indexing_function_duration", "event"),
        databaseMethods: histogramDelta(before, after, "ponder_database_method_duration", "method"),
        rpcMethods: histogramDelta(before, after, "ponder_rpc_request_duration", "method"),
        realtimeLatency: histogramDelta(before, after, "ponder_realtime_latency", "chain"),
        cacheRequests: counterDelta(before, after, "ponder_indexing_cache_requests_total"),
        cacheQueries: histogramDelta(before, after, "ponder_indexing_cache_query_duration", "method"),
        storeQueries: counterDelta(before, after, "ponder_indexing_store_queries_total"),
        timeline,
        ...(cpuProfile ? { cpuProfile } : {}),
      };
    },
  };
}
