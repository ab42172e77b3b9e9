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
