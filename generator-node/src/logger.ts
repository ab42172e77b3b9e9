import { format } from "node:util";
import pino, { type Logger } from "pino";

/** Paths redacted from every log line: no key or signer material is ever written. */
export const REDACT = [
  "privateKey",
  "*.privateKey",
  "key",
  "*.key",
  "secret",
  "*.secret",
  "mnemonic",
  "*.mnemonic",
  "config.privateKey",
  "account.privateKey",
];

export function createLogger(opts: { level?: string; pretty?: boolean; destination?: number } = {}): Logger {
  const pretty = opts.pretty ?? (process.stdout.isTTY && process.env.NODE_ENV !== "production");
  return pino({
    level: opts.level ?? "info",
    redact: { paths: REDACT, censor: "[redacted]" },
    base: { svc: "atelier-node" },
    ...(pretty
      ? {
          transport: {
            target: "pino-pretty",
            options: { colorize: true, translateTime: "HH:MM:ss.l", ignore: "pid,hostname,svc" },
          },
        }
      : {}),
  });
}

/**
 * Keeps stdout a stream of JSON log lines: `console.*` from libraries (nsfwjs prints
 * `You're using the model: …`, TF.js prints backend notes) goes into `log` as a line of its own,
 * or, without a logger (worker threads), to stderr.
 */
export function routeConsole(log?: Logger): void {
  const text = (args: unknown[]) => format(...args);
  const to =
    (level: "debug" | "info" | "warn" | "error") =>
    (...args: unknown[]): void => {
      if (log) log[level]({ source: "console" }, text(args));
      else process.stderr.write(text(args) + "\n");
    };
  console.log = to("info");
  console.info = to("info");
  console.debug = to("debug");
  console.warn = to("warn");
  console.error = to("error");
}

export const routeConsoleToStderr = (): void => routeConsole();
