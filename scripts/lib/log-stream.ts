/**
 * The one log stream of `npm start`: every line of every service, prefixed with the service's name (in its
 * own colour when stdout is a terminal), and each service's raw output kept whole in its own log file.
 */
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { createInterface } from "node:readline";

const COLOURS = [36, 35, 33, 32, 34, 91];
const PREFIX_WIDTH = 9;
const colourOf = new Map<string, number>();

/** `indexer  │ text`, coloured per service when stdout is a TTY (and NO_COLOR is unset). */
export function prefixed(service: string, text: string): string {
  const label = service.padEnd(PREFIX_WIDTH);
  if (!process.stdout.isTTY || process.env.NO_COLOR) return `${label}| ${text}`;
  if (!colourOf.has(service)) colourOf.set(service, COLOURS[colourOf.size % COLOURS.length]!);
  return `\u001b[${colourOf.get(service)}m${label}|\u001b[0m ${text}`;
}

export function say(service: string, text: string): void {
  console.log(prefixed(service, text));
}

/** Structured (pino-style JSON) lines read as `level message key=value`; anything else as it came. */
export function readable(line: string): string {
  if (!line.startsWith("{")) return line;
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    const { msg, level, time: _time, pid: _pid, hostname: _host, ...rest } = entry;
    if (typeof msg !== "string") return line;
    const levelName = typeof level === "number" ? (LEVELS[level] ?? String(level)) : String(level ?? "");
    const fields = Object.entries(rest)
      .filter(([, value]) => value !== null && typeof value !== "object")
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(" ");
    return `${levelName === "info" ? "" : `${levelName} `}${msg}${fields ? `  ${fields}` : ""}`;
  } catch {
    return line;
  }
}
const LEVELS: Record<number, string> = {
  10: "trace",
  20: "debug",
  30: "info",
  40: "warn",
  50: "error",
  60: "fatal",
};

export interface ServiceLog {
  file: string;
  /** Copies each line of `stream` into the log file and, prefixed, onto the console. */
  follow(stream: Readable): void;
  close(): Promise<void>;
}

export async function openServiceLog(logDir: string, service: string): Promise<ServiceLog> {
  await mkdir(logDir, { recursive: true });
  const file = path.join(logDir, `${service}.log`);
  const out: WriteStream = createWriteStream(file, { flags: "w" });
  return {
    file,
    follow(stream) {
      createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => {
        out.write(`${line}\n`);
        if (line.trim() !== "") say(service, readable(line));
      });
    },
    close: () => new Promise<void>((resolve) => out.end(() => resolve())),
  };
}
