/** The command line of `npm start`: flags, their environment defaults, and one-line usage errors. */
import { parseArgs } from "node:util";

export const USAGE =
  "usage: npm start -- [--web-port 5173] [--indexer-port 42069] [--chain-port 8545] [--gateway-port 8790]\n" +
  "                    [--ipfs-port N (default: a free one)] [--host 127.0.0.1] [--no-web] [--no-indexer] [--no-seed (alias --no-demo)] [--fresh]";

/** Each port flag, its environment variable and default. */
export const PORTS = {
  "web-port": { env: "ATELIER_WEB_PORT", fallback: "5173", service: "the dApp" },
  "indexer-port": { env: "ATELIER_INDEXER_PORT", fallback: "42069", service: "the indexer (GraphQL)" },
  "chain-port": { env: "ATELIER_CHAIN_PORT", fallback: "8545", service: "the chain (JSON-RPC)" },
  "gateway-port": { env: "ATELIER_GATEWAY_PORT", fallback: "8790", service: "the node's IPFS gateway" },
} as const;
export type PortFlag = keyof typeof PORTS;

export interface StartOptions {
  ports: Record<PortFlag, number>;
  host: string;
  web: boolean;
  indexer: boolean;
  /** The first generated work and the demo market (`--no-seed`, or its old name `--no-demo`, skips both). */
  seed: boolean;
  /** Wipe `.atelier/` (all local state but the seed's picture cache) before starting. */
  fresh: boolean;
  /** The node's libp2p port on 127.0.0.1 (`--ipfs-port`, ATELIER_IPFS_PORT); absent: a free one. */
  ipfsPort?: number;
}

const BOOLEAN_FLAGS = ["no-web", "no-indexer", "no-seed", "no-demo", "fresh"] as const;

/** npm keeps flags given without `--` for itself and exposes them as npm_config_<name>. */
function forgottenDoubleDash(): string | undefined {
  // `--no-seed` given to npm reaches us as npm_config_seed=false.
  const names = [...Object.keys(PORTS), "ipfs-port", "host", ...BOOLEAN_FLAGS].flatMap((name) =>
    name.startsWith("no-") ? [name, name.slice(3)] : [name],
  );
  const flag = names.find((name) => process.env[`npm_config_${name.replaceAll("-", "_")}`] !== undefined);
  if (flag === undefined) return undefined;
  return BOOLEAN_FLAGS.includes(`no-${flag}` as never) ? `--no-${flag}` : `--${flag}`;
}

function fail(message: string): never {
  console.error(`npm start: ${message}\n${USAGE}`);
  process.exit(2);
}

export function parseStartOptions(): StartOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      options: {
        ...Object.fromEntries(
          Object.entries(PORTS).map(([flag, p]) => [
            flag,
            { type: "string" as const, default: process.env[p.env] ?? p.fallback },
          ]),
        ),
        host: { type: "string", default: process.env.ATELIER_HOST ?? "127.0.0.1" },
        "ipfs-port": { type: "string", default: process.env.ATELIER_IPFS_PORT },
        ...Object.fromEntries(
          BOOLEAN_FLAGS.map((flag) => [flag, { type: "boolean" as const, default: false }]),
        ),
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (error) {
    const flag = forgottenDoubleDash();
    fail(
      flag === undefined
        ? (error as Error).message
        : `npm took ${flag} for itself: put \`--\` before the flags (npm start -- ${flag} …)`,
    );
  }
  // `npm start --fresh` parses fine (npm kept the flag): say so rather than start without it.
  const kept = forgottenDoubleDash();
  if (kept !== undefined)
    fail(`npm took ${kept} for itself: put \`--\` before the flags (npm start -- ${kept} …)`);
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const web = !values["no-web"];
  const indexer = !values["no-indexer"];
  const used = (flag: PortFlag) => (flag !== "web-port" || web) && (flag !== "indexer-port" || indexer);
  const ports = {} as Record<PortFlag, number>;
  for (const flag of Object.keys(PORTS) as PortFlag[]) {
    const raw = String(values[flag]);
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > 65535)
      fail(`--${flag} (or ${PORTS[flag].env}) must be a TCP port (1-65535), got "${raw}"`);
    const clash = (Object.keys(ports) as PortFlag[]).find((other) => used(other) && ports[other] === value);
    if (clash && used(flag))
      fail(`--${clash} and --${flag} are both ${value}: give each service its own port`);
    ports[flag] = value;
  }
  let ipfsPort: number | undefined;
  if (values["ipfs-port"] !== undefined) {
    ipfsPort = Number(values["ipfs-port"]);
    if (!Number.isInteger(ipfsPort) || ipfsPort < 1 || ipfsPort > 65535)
      fail(`--ipfs-port (or ATELIER_IPFS_PORT) must be a TCP port (1-65535), got "${values["ipfs-port"]}"`);
    if (Object.values(ports).includes(ipfsPort))
      fail(`--ipfs-port ${ipfsPort} is another service's port: give each service its own port`);
  }
  return {
    ports,
    ...(ipfsPort !== undefined ? { ipfsPort } : {}),
    host: String(values.host),
    web,
    indexer,
    seed: !values["no-seed"] && !values["no-demo"],
    fresh: Boolean(values.fresh),
  };
}
