/**
 * What the generator benchmark reads from the node and the machine: the node's `/metrics` counters
 * (RPC requests by method, journal writes), the local Hardhat node's CPU time, and memory.
 */
import { readdirSync, readFileSync } from "node:fs";
import type { startNodeApp } from "../src/app.ts";
import { round, sum } from "./stats.ts";

type NodeApp = Awaited<ReturnType<typeof startNodeApp>>;

/** The node's RPC requests by method and its journal writes, from its `/metrics`. */
export async function chainCounters(
  url: string,
): Promise<{ rpc: Record<string, number>; journalWrites: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const rpc: Record<string, number> = {};
  for (const m of text.matchAll(/^atelier_node_rpc_requests_total\{method="([^"]+)"\} (\d+)/gm))
    rpc[m[1]!] = Number(m[2]);
  const journalWrites = Number(/^atelier_node_journal_writes_total (\d+)/m.exec(text)?.[1] ?? NaN);
  return { rpc, journalWrites };
}

/** Per job and method: the counter differences between two readings. */
export function perJob(a: Awaited<ReturnType<typeof chainCounters>>, b: typeof a, jobs: number) {
  const byMethod: Record<string, number> = {};
  for (const [k, v] of Object.entries(b.rpc)) {
    const d = (v - (a.rpc[k] ?? 0)) / jobs;
    if (d > 0) byMethod[k] = round(d);
  }
  return {
    rpcRequests: round(sum(Object.values(byMethod))),
    rpcByMethod: byMethod,
    journalWrites: round((b.journalWrites - a.journalWrites) / jobs),
  };
}

/** CPU time (ms) of this machine's `hardhat node` processes started by this benchmark (Linux /proc). */
export function hardhatCpuMs(rpcUrl: string): number {
  let total = 0;
  try {
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        if (!cmd.includes("hardhat") || !cmd.includes(`--port\u0000${new URL(rpcUrl).port}`)) continue;
        const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
        total += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
      } catch {
        /* process gone */
      }
    }
  } catch {
    return NaN;
  }
  return total;
}

/**
 * The node's memory: process RSS (the producer workers are threads of this process, so it holds
 * them all) and `/metrics`' per-model figures (RSS growth while each model's sessions and safety
 * classifiers loaded, summed over its workers; 0 for a model sharing another's producers).
 */
export async function memoryReport(node: Pick<NodeApp, "metrics">) {
  const mb = (b: number) => Math.round(b / 2 ** 20);
  const perModel: Record<string, Record<string, number>> = {};
  for (const v of (await node.metrics.modelMemory.get()).values) {
    const { model, kind } = v.labels as { model: string; kind: string };
    (perModel[model] ??= {})[`${kind}Mb`] =
      kind === "weights" ? Math.round((v.value / 2 ** 20) * 100) / 100 : mb(v.value);
  }
  return { processRssMb: mb(process.memoryUsage().rss), perModel };
}

/** CPU ms of each thread of this process by thread id, with the thread's name (Linux /proc/self/task). */
export function threadCpuMs(): Map<number, { name: string; ms: number }> {
  const out = new Map<number, { name: string; ms: number }>();
  try {
    for (const tid of readdirSync("/proc/self/task")) {
      try {
        const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        out.set(Number(tid), {
          name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")),
          ms: ((Number(fields[11]) + Number(fields[12])) * 1000) / 100,
        });
      } catch {
        /* thread gone */
      }
    }
  } catch {
    /* not Linux */
  }
  return out;
}

/**
 * CPU per job by kind of thread between two readings: the main thread; V8's platform threads (GC
 * helpers, concurrent marking and compilation of every isolate: unnamed threads that exist before
 * the node starts, `platform`); the producer workers (unnamed threads started with the node); libvips'
 * and libuv's pools; anything else by its name.
 */
export function cpuByThreadKind(
  before: ReturnType<typeof threadCpuMs>,
  after: ReturnType<typeof threadCpuMs>,
  atStart: ReturnType<typeof threadCpuMs>,
  jobs: number,
): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const [tid, t] of after) {
    const d = t.ms - (before.get(tid)?.ms ?? 0);
    if (d <= 0) continue;
    const kind =
      tid === process.pid
        ? "main"
        : t.name === "node"
          ? atStart.has(tid)
            ? "platform"
            : "producers"
          : t.name.replace(/[\s-]*worker$/, "").replace(/\s+/g, "") || t.name;
    kinds[kind] = (kinds[kind] ?? 0) + d / jobs;
  }
  return Object.fromEntries(Object.entries(kinds).map(([k, v]) => [k, round(v)]));
}
