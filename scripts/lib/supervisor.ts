/**
 * Child processes of `npm start`: each one's output goes to the prefixed stream and its log file, and an
 * exit nobody asked for is reported (name, exit code or signal, log file) — never restarted behind the
 * user's back.
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { openServiceLog, type ServiceLog } from "./log-stream.ts";

export interface Crash {
  service: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  logFile: string;
}

export interface Supervised {
  name: string;
  child: ChildProcess;
  logFile: string;
  /** Resolves when the process has exited (for any reason). */
  exited: Promise<Crash>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone and its log closed. */
  stop(graceMs?: number): Promise<void>;
}

export const describeCrash = (crash: Crash): string =>
  `${crash.service} exited ${crash.signal ? `by signal ${crash.signal}` : `with code ${crash.code}`}; its log: ${crash.logFile}`;

export async function supervise(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions & { logDir: string; onCrash(crash: Crash): void },
): Promise<Supervised> {
  const { logDir, onCrash, ...spawnOptions } = options;
  const log: ServiceLog = await openServiceLog(logDir, name);
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...spawnOptions });
  if (child.stdout) log.follow(child.stdout);
  if (child.stderr) log.follow(child.stderr);
  let stopping = false;
  const exited = new Promise<Crash>((resolve) =>
    child.once("exit", (code, signal) => resolve({ service: name, code, signal, logFile: log.file })),
  );
  void exited.then((crash) => {
    if (!stopping) onCrash(crash);
  });
  return {
    name,
    child,
    logFile: log.file,
    exited,
    async stop(graceMs = 10_000) {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      }
      await log.close();
    },
  };
}

/** Polls `check` until it returns a value; fails early when the process exits, or after `timeoutMs`. */
export async function waitUntil<T>(
  service: Supervised,
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (service.child.exitCode !== null || service.child.signalCode !== null)
      throw new Error(describeCrash(await service.exited));
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(
        `${service.name} did not ${what} in ${timeoutMs / 1000} s; its log: ${service.logFile}`,
      );
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
