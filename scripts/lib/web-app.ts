/**
 * The dApp of `npm start`: the SvelteKit app built with adapter-node (`web/build`), run as a supervised
 * child pointed at the local chain, indexer and IPFS gateway.
 *
 * Is the build up to date? A fresh clone has no `web/build`; after a `git pull` one may be stale. File
 * times cannot tell (git gives every file it writes the checkout time, so a stale build can look newer
 * than its sources), so the build records a SHA-256 over every input the bundle is made from — the app's
 * sources and config, the workspace packages it bundles, the lock file — and `npm start` rebuilds exactly
 * when that digest differs. Hashing those files takes well under a second here; a build takes ~10-40 s.
 */
import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { supervise, waitUntil, type Crash } from "./supervisor.ts";
import { openServiceLog } from "./log-stream.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const WEB_ROOT = path.join(ROOT, "web");
const BUILD_DIR = path.join(WEB_ROOT, "build");
const STAMP = path.join(BUILD_DIR, ".atelier-source-digest");
/** Uploads may be up to 20 MB (ATELIER_UPLOADS_MAX_MB); adapter-node must let such a body through. */
const BODY_SIZE_LIMIT = "21M";

/** What the bundle is made of: the app, the workspace packages it imports, the exact dependency set. */
const INPUTS = [
  "web/src",
  "web/vite.config.ts",
  "web/package.json",
  "web/tsconfig.json",
  "packages",
  "package-lock.json",
];
/**
 * Never bundled, or rewritten at run time (the deployment file is written by every `npm start`); the seed
 * is a server-side package the dApp does not import.
 */
const SKIP = /(^|\/)(node_modules|test|tests|bench|deployments|e2e)(\/|$)|\.test\.ts$|^packages\/seed\//;

async function filesUnder(relative: string): Promise<string[]> {
  const absolute = path.join(ROOT, relative);
  if (!existsSync(absolute)) return [];
  const entries = await readdir(absolute, { withFileTypes: true, recursive: true }).catch(() => null);
  if (entries === null) return [relative]; // a file
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)))
    .filter((file) => !SKIP.test(file));
}

export async function sourceDigest(): Promise<string> {
  const files = (await Promise.all(INPUTS.map(filesUnder))).flat().sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(await readFile(path.join(ROOT, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** Why a build is needed, or undefined when `web/build` was made from exactly these sources. */
export async function staleBuildReason(digest: string): Promise<string | undefined> {
  if (!existsSync(path.join(BUILD_DIR, "index.js"))) return "no web/build yet";
  const built = await readFile(STAMP, "utf8").catch(() => "");
  if (built.trim() === "") return "web/build has no source digest (built by hand?)";
  return built.trim() === digest ? undefined : "the sources changed since web/build was made";
}

export interface WebBuild {
  done: Promise<void>;
  /** Kills a build still running (npm start stopped meanwhile); nothing half-built is stamped. */
  stop(): Promise<void>;
}

/** `vite build` in web/, its output in the stream (prefix `web-build`) and `.atelier/logs/web-build.log`. */
export async function startWebBuild(logDir: string, digest: string): Promise<WebBuild> {
  const vite = path.join(
    path.dirname(createRequire(path.join(WEB_ROOT, "package.json")).resolve("vite/package.json")),
    "bin/vite.js",
  );
  await rm(STAMP, { force: true });
  const log = await openServiceLog(logDir, "web-build");
  const child = spawn(process.execPath, [vite, "build", "--logLevel", "warn"], {
    cwd: WEB_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  log.follow(child.stdout);
  log.follow(child.stderr);
  const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const done = exit.then(async (code) => {
    await log.close();
    if (code !== 0) throw new Error(`vite build exited with code ${code}; its log: ${log.file}`);
    await writeFile(STAMP, `${digest}\n`);
  });
  done.catch(() => undefined);
  return {
    done,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exit;
      }
    },
  };
}

export interface LocalWebApp {
  url: string;
  logFile: string;
  stop(): Promise<void>;
}

export async function startWebApp(options: {
  host: string;
  port: number;
  rpcUrl: string;
  deploymentFile: string;
  graphqlUrl?: string;
  gatewayUrl: string;
  /** Its own Helia store (`blocks/`, `datastore/`): uploads land there. */
  uploadsDir: string;
  /** The generator node's libp2p address: the dApp's Helia dials it, so the node's gateway serves uploads. */
  ipfsPeer: string;
  logDir: string;
  onCrash(crash: Crash): void;
}): Promise<LocalWebApp> {
  const url = `http://${options.host}:${options.port}`;
  const web = await supervise("web", process.execPath, [path.join(BUILD_DIR, "index.js")], {
    cwd: WEB_ROOT,
    env: {
      BODY_SIZE_LIMIT,
      ...process.env,
      PORT: String(options.port),
      HOST: options.host,
      ORIGIN: url,
      ATELIER_RPC_URL: options.rpcUrl,
      ATELIER_DEPLOYMENT: options.deploymentFile,
      ATELIER_IPFS_GATEWAY: options.gatewayUrl,
      ATELIER_UPLOADS_DIR: options.uploadsDir,
      ATELIER_UPLOADS_IPFS_PEERS: options.ipfsPeer,
      ...(options.graphqlUrl ? { ATELIER_INDEX_URL: options.graphqlUrl, ATELIER_INDEX_KIND: "ponder" } : {}),
    },
    logDir: options.logDir,
    onCrash: options.onCrash,
  });
  try {
    await waitUntil(
      web,
      "answer HTTP",
      async () => ((await fetch(url)).status < 500 ? true : undefined),
      60_000,
    );
  } catch (error) {
    await web.stop();
    throw error;
  }
  return { url, logFile: web.logFile, stop: () => web.stop() };
}
