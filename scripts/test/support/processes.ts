import { readdir, readFile, readlink } from "node:fs/promises";

export interface ProcessInfo {
  pid: number;
  command: string;
}

/** Live processes whose working directory or command line lies inside `dir` (Linux /proc). */
export async function processesUnder(dir: string): Promise<ProcessInfo[]> {
  const found: ProcessInfo[] = [];
  for (const entry of await readdir("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const [cwd, cmdline] = await Promise.all([
      readlink(`/proc/${pid}/cwd`).catch(() => ""),
      readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => ""),
    ]);
    const command = cmdline.replaceAll("\0", " ").trim();
    if (command === "") continue; // a zombie or a process that just exited
    if (cwd.startsWith(dir) || command.includes(dir)) found.push({ pid, command });
  }
  return found;
}
