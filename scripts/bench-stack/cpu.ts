/**
 * CPU time the stack's own processes spent (user + system, from /proc), so a figure taken on a loaded
 * machine can be given per request or per job as well as in wall time: CPU-ms move far less with load.
 */
import { readFile } from "node:fs/promises";
import { processesUnder } from "../test/support/processes.ts";

const TICKS_PER_SECOND = 100; // Linux USER_HZ

/** CPU-ms (user + system) one process has spent so far, all its threads; 0 once it is gone. */
export async function cpuMsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  // Fields after the command name (which may hold spaces, inside parentheses): utime is 14th, stime 15th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** CPU-ms so far of each running stack process whose command line matches, summed per service name. */
export async function stackCpuMs(dir: string): Promise<Record<string, number>> {
  const byService: Record<string, number> = {};
  for (const p of await processesUnder(dir)) {
    const service = p.command.includes("generator-node/")
      ? "node"
      : p.command.includes("ponder")
        ? "indexer"
        : p.command.includes("web/build")
          ? "web"
          : p.command.includes("hardhat")
            ? "chain"
            : "other";
    byService[service] = (byService[service] ?? 0) + (await cpuMsOf(p.pid));
  }
  return byService;
}

/** CPU-ms each service spent between two readings. */
export function cpuSpent(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  return Object.fromEntries(
    Object.keys(after).map((service) => [service, Math.round(after[service]! - (before[service] ?? 0))]),
  );
}
