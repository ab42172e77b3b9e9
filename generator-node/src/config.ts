/**
 * Node configuration: a JSON file (default `atelier-node.json`) overlaid with environment variables,
 * validated with zod at start-up. Every error names the setting (and where it came from) and says
 * why it is wrong. The private key is kept in a {@link Secret} that never serialises or prints.
 */
import { readFileSync, existsSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { z } from "zod";

/** Holds a secret value; prints, logs and JSON-serialises as "[redacted]". */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return "[redacted]";
  }
  toJSON(): string {
    return "[redacted]";
  }
  [inspect.custom](): string {
    return "[redacted]";
  }
}

/** the node's HTTP port; `npm start`'s gateway is on 8790, so a node beside it does not collide */
export const DEFAULT_HTTP_PORT = 8792;

const hex32 = /^0x[0-9a-fA-F]{64}$/;
const address = /^0x[0-9a-fA-F]{40}$/;

export const configSchema = z.object({
  rpcUrl: z.url({
    protocol: /^(https?|wss?)$/,
    hostname: /./,
    error: "must be an http(s) or ws(s) URL of an EVM JSON-RPC endpoint, e.g. http://127.0.0.1:8545",
  }),
  /** deployment file (as written by `npm start` / @atelier/protocol) */
  deployment: z.string().optional(),
  /** explicit contract addresses, overriding the deployment file */
  contracts: z
    .record(z.string(), z.string().regex(address, "must be a 0x-prefixed 20-byte address"))
    .default({}),
  /** file holding the operator's private key (0x + 64 hex); ATELIER_NODE_PRIVATE_KEY overrides */
  keyFile: z.string().default("node.key"),
  dataDir: z.string().default(".atelier-node"),
  models: z
    .array(
      z.object({
        /** on-chain model id */
        id: z
          .union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, "must be a decimal integer")])
          .transform((v) => BigInt(v)),
        /** manifest path, or "builtin:art" (art model v2) / "builtin:cppn" (v1) / "builtin:upscale-x4" */
        manifest: z.string().default("builtin:art"),
        /** jobs paying less than this fee (wei, decimal string or integer) are not claimed */
        minFeeWei: z
          .union([
            z.number().int().nonnegative(),
            z.string().regex(/^\d+$/, "must be a decimal integer of wei"),
          ])
          .transform((v) => BigInt(v))
          .default(0n),
      }),
    )
    .min(1, "serve at least one model"),
  provider: z.enum(["auto", "cuda", "cpu"]).default("auto"),
  /** CUDA device ordinal for the ONNX Runtime CUDA execution provider */
  cudaDeviceId: z.number().int().min(0).max(255).default(0),
  threads: z.number().int().min(1).max(64).default(1),
  /** run inference in a worker thread (onnxruntime-node's run blocks its calling thread) */
  modelWorker: z.boolean().default(true),
  /**
   * worker threads producing images per model, each with its own session and classifier; "auto":
   * one per core (at most 4) for text-to-image models, one for upscale models (memory-bound)
   */
  workers: z.union([z.literal("auto"), z.number().int().min(1).max(64)]).default("auto"),
  /** jobs paying less than this (wei, decimal) are not claimed; published at `/policy` */
  minFeeWei: z
    .string()
    .regex(/^[0-9]+$/, "must be a decimal number of wei")
    .default("0"),
  /** max jobs in flight (claimed and not yet fulfilled) */
  concurrency: z.number().int().min(1).max(256).default(4),
  /** how long a generation batch waits for more jobs before running (0 = no wait) */
  batchWindowMs: z.number().int().min(0).max(5_000).default(0),
  pollIntervalMs: z.number().int().min(10).max(60_000).default(250),
  /** finished jobs stay in the journal this many days */
  journalRetentionDays: z.number().min(0).default(7),
  /** block range per eth_getLogs call during catch-up */
  logChunk: z.number().int().min(1).max(100_000).default(2_000),
  claim: z
    .object({
      /** expected worst-case time from claim to fulfil mined; jobs with less time left are skipped */
      expectedJobMs: z.number().int().min(1).default(10_000),
      /** release a job when less than this is left before its deadline and it is not done */
      releaseMarginMs: z.number().int().min(0).default(5_000),
    })
    .default({ expectedJobMs: 10_000, releaseMarginMs: 5_000 }),
  retries: z
    .object({
      max: z.number().int().min(0).max(20).default(5),
      baseDelayMs: z.number().int().min(1).default(200),
      maxDelayMs: z.number().int().min(1).default(5_000),
    })
    .default({ max: 5, baseDelayMs: 200, maxDelayMs: 5_000 }),
  safety: z
    .object({
      enabled: z.boolean().default(true),
      /** reject outputs whose P(porn) + P(hentai) ≥ threshold */
      threshold: z.number().min(0).max(1).default(0.9),
      backend: z.enum(["auto", "wasm", "tfjs-node-gpu"]).default("auto"),
      /** nsfwjs model bundled in its package */
      model: z.enum(["MobileNetV2", "MobileNetV2Mid", "InceptionV3"]).default("MobileNetV2Mid"),
      /** second model that must agree before an output is rejected ("none": the first decides alone) */
      confirmModel: z.enum(["MobileNetV2", "MobileNetV2Mid", "InceptionV3", "none"]).default("InceptionV3"),
      /**
       * an output flagged for a prompt the policy passed is most likely the seed's picture (the
       * classifiers misfire on abstract art): draw a new secret and produce again, this many times,
       * before claiming only to reject
       */
      rerolls: z.number().int().min(0).max(10).default(2),
      maxPromptBytes: z.number().int().min(1).max(100_000).default(1_000),
      bannedTerms: z.array(z.string().min(1)).default([]),
      bannedPatterns: z
        .array(
          z.string().refine((s) => {
            try {
              new RegExp(s, "u");
              return true;
            } catch {
              return false;
            }
          }, "must be a valid regular expression"),
        )
        .default([]),
    })
    .default({
      enabled: true,
      threshold: 0.9,
      backend: "auto",
      model: "MobileNetV2Mid",
      confirmModel: "InceptionV3",
      rerolls: 2,
      maxPromptBytes: 1_000,
      bannedTerms: [],
      bannedPatterns: [],
    }),
  ipfs: z
    .object({
      /** optional Kubo RPC URL to mirror and pin content on */
      kuboUrl: z.url().optional(),
      /** libp2p on 127.0.0.1 (0 = any free port): peer of the stack's other Helias; absent + no peers = offline */
      listenPort: z.number().int().min(0).max(65_535).optional(),
      /** multiaddrs (127.0.0.1 only) of the stack's other Helias, e.g. the dApp server's: dialled and kept */
      peers: z.array(z.string()).default([]),
      /** how long a gateway read waits for a block from the peers */
      fetchTimeoutMs: z.number().int().positive().default(10_000),
    })
    .default({ peers: [], fetchTimeoutMs: 10_000 }),
  http: z
    .object({
      host: z.string().default("127.0.0.1"),
      /** gateway + /metrics + /healthz + /readyz; 0 = pick a free port */
      port: z.number().int().min(0).max(65_535).default(DEFAULT_HTTP_PORT),
    })
    .default({ host: "127.0.0.1", port: DEFAULT_HTTP_PORT }),
  /** public gateway base written into metadata for convenience (image stays ipfs://…) */
  log: z
    .object({
      level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
      pretty: z.boolean().optional(),
    })
    .default({ level: "info" }),
  register: z
    .object({
      /** stake in wei (decimal string) for `atelier-node register` */
      stakeWei: z.string().regex(/^\d+$/, "must be a decimal integer of wei").default("1000000000000000000"),
    })
    .default({ stakeWei: "1000000000000000000" }),
});

export type NodeConfig = z.infer<typeof configSchema> & { privateKey: Secret; configPath?: string };

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Producer worker threads for one model: the configured number, or for "auto" one per core (at most
 * 4) for text-to-image models — generate, safety, watermark and encode are serial CPU work in a
 * worker, so one worker leaves a second core idle — and one for upscale models, whose tiles
 * already keep a core busy and whose activations take ≈ 0.7 GB per worker.
 */
export function workersFor(
  workers: NodeConfig["workers"],
  kind: string,
  cores = os.availableParallelism(),
): number {
  if (workers !== "auto") return workers;
  return kind === "upscale" ? 1 : Math.max(1, Math.min(4, cores));
}

/** Environment variables → config paths. Values are JSON-parsed when they look like JSON. */
export const ENV_MAP: Record<string, string> = {
  ATELIER_NODE_RPC_URL: "rpcUrl",
  ATELIER_NODE_DEPLOYMENT: "deployment",
  ATELIER_NODE_KEY_FILE: "keyFile",
  ATELIER_NODE_DATA_DIR: "dataDir",
  ATELIER_NODE_MODELS: "models",
  ATELIER_NODE_PROVIDER: "provider",
  ATELIER_NODE_CUDA_DEVICE_ID: "cudaDeviceId",
  ATELIER_NODE_THREADS: "threads",
  ATELIER_NODE_WORKERS: "workers",
  ATELIER_NODE_CONCURRENCY: "concurrency",
  ATELIER_NODE_POLL_INTERVAL_MS: "pollIntervalMs",
  ATELIER_NODE_HTTP_PORT: "http.port",
  ATELIER_NODE_HTTP_HOST: "http.host",
  ATELIER_NODE_LOG_LEVEL: "log.level",
  ATELIER_NODE_SAFETY_ENABLED: "safety.enabled",
  ATELIER_NODE_SAFETY_THRESHOLD: "safety.threshold",
  ATELIER_NODE_SAFETY_REROLLS: "safety.rerolls",
  ATELIER_NODE_KUBO_URL: "ipfs.kuboUrl",
  ATELIER_NODE_IPFS_PORT: "ipfs.listenPort",
  ATELIER_NODE_IPFS_PEERS: "ipfs.peers",
};

function setPath(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split(".");
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    if (typeof cur[k] !== "object" || cur[k] === null) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[keys[keys.length - 1]!] = value;
}

function envValue(raw: string): unknown {
  const t = raw.trim();
  if (/^(\{|\[|true$|false$|-?\d+(\.\d+)?$)/.test(t)) {
    try {
      return JSON.parse(t);
    } catch {
      return raw;
    }
  }
  return raw;
}

const PRIVATE_KEY_ENV = "ATELIER_NODE_PRIVATE_KEY";

/** Edit distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

/** The object/array schema under defaults, optionals and transforms (zod 4 definitions). */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (;;) {
    const def = s._zod.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
    if ((def.type === "default" || def.type === "optional" || def.type === "nullable") && def.innerType)
      s = def.innerType;
    else if (def.type === "pipe" && def.in) s = def.in;
    else return s;
  }
}

/** Keys in `value` that `schema` does not know, with the nearest known key at the same level. */
export function unknownKeys(
  schema: z.ZodType,
  value: unknown,
  at: (string | number)[] = [],
): { path: (string | number)[]; nearest?: string }[] {
  const s = unwrap(schema);
  const def = s._zod.def as { type: string; element?: z.ZodType };
  if (def.type === "array" && def.element && Array.isArray(value))
    return value.flatMap((v, i) => unknownKeys(def.element!, v, [...at, i]));
  if (def.type !== "object" || typeof value !== "object" || value === null || Array.isArray(value)) return [];
  const shape = (s as z.ZodObject).shape as Record<string, z.ZodType>;
  const known = Object.keys(shape);
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    if (k in shape) return unknownKeys(shape[k]!, v, [...at, k]);
    const best = known
      .map((c) => ({ c, d: distance(k.toLowerCase(), c.toLowerCase()) }))
      .sort((x, y) => x.d - y.d)[0];
    const near = best && best.d <= Math.max(2, Math.floor(best.c.length / 3)) ? best.c : undefined;
    return [{ path: [...at, k], ...(near ? { nearest: [...at, near].join(".") } : {}) }];
  });
}

/** Refuses a key file that group or others can read (as ssh does). */
function checkKeyFileMode(file: string): void {
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(
      `key file ${file} is readable by others (mode ${mode.toString(8).padStart(4, "0")}); ` +
        `a private key must be private to its owner: run \`chmod 600 ${file}\``,
    );
  }
}

/**
 * Loads the config file (if present) and the environment, validates, and reads the key.
 * @param opts.requireKey false for commands that don't sign (status)
 */
export function loadConfig(
  opts: { file?: string; env?: NodeJS.ProcessEnv; requireKey?: boolean } = {},
): NodeConfig {
  const env = opts.env ?? process.env;
  const file = path.resolve(opts.file ?? env.ATELIER_NODE_CONFIG ?? "atelier-node.json");
  let raw: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  if (existsSync(file)) {
    try {
      raw = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
    }
    if ("privateKey" in raw) {
      throw new ConfigError(
        `config file ${file}: "privateKey" must not be stored in the config; put it in keyFile or ${PRIVATE_KEY_ENV}`,
      );
    }
  } else if (opts.file) {
    throw new ConfigError(`config file ${file} does not exist (run \`atelier-node init\` to create one)`);
  }
  for (const [name, dotted] of Object.entries(ENV_MAP)) {
    const v = env[name];
    if (v !== undefined && v !== "") {
      setPath(raw, dotted, envValue(v));
      sources.set(dotted, `environment variable ${name}`);
    }
  }
  const unknown = unknownKeys(configSchema, raw);
  if (unknown.length > 0) {
    const lines = unknown.map((u) => {
      const p = u.path.map(String).join(".");
      const from = sources.get(p) ?? sources.get(String(u.path[0])) ?? `config file ${file}`;
      return `  - unknown setting "${p}" (${from})${u.nearest ? `: did you mean "${u.nearest}"?` : ""}`;
    });
    throw new ConfigError(`invalid node configuration:\n${lines.join("\n")}`);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const p = i.path.map(String).join(".") || "(root)";
      const top = i.path.slice(0, 2).map(String).join(".");
      const from =
        sources.get(p) ?? sources.get(top) ?? sources.get(String(i.path[0])) ?? `config file ${file}`;
      return `  - setting "${p}" (${from}): ${i.message}`;
    });
    throw new ConfigError(`invalid node configuration:\n${lines.join("\n")}`);
  }
  const cfg = parsed.data;
  const baseDir = path.dirname(file);
  cfg.dataDir = path.resolve(baseDir, cfg.dataDir);
  cfg.keyFile = path.resolve(baseDir, cfg.keyFile);
  if (cfg.deployment) cfg.deployment = path.resolve(baseDir, cfg.deployment);
  for (const m of cfg.models)
    if (!m.manifest.startsWith("builtin:")) m.manifest = path.resolve(baseDir, m.manifest);

  let key = env[PRIVATE_KEY_ENV]?.trim();
  if (!key && existsSync(cfg.keyFile)) {
    checkKeyFileMode(cfg.keyFile);
    key = readFileSync(cfg.keyFile, "utf8").trim();
  }
  if (key !== undefined && key !== "" && !hex32.test(key)) {
    throw new ConfigError(
      `private key (${env[PRIVATE_KEY_ENV] ? PRIVATE_KEY_ENV : `keyFile ${cfg.keyFile}`}) must be 0x followed by 64 hex digits`,
    );
  }
  if (!key && opts.requireKey !== false) {
    throw new ConfigError(
      `no private key: set ${PRIVATE_KEY_ENV} or create keyFile ${cfg.keyFile} (\`atelier-node init\` does)`,
    );
  }
  return { ...cfg, privateKey: new Secret(key ?? ""), configPath: existsSync(file) ? file : undefined };
}
