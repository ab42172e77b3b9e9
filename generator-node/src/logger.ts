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
