/**
 * The dApp of `npm start`: the SvelteKit app built with adapter-node (`web/build`), run as a supervised
 * child pointed at the local chain, indexer and IPFS gateway. Whether the build is up to date: web-build.ts.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { supervise, waitUntil, type Crash } from "./supervisor.ts";
import { BUILD_DIR, buildEnv, clearBuildStamp, stampBuild, WEB_ROOT } from "./web-build.ts";
import { openServiceLog } from "./log-stream.ts";

export { sourceDigest, staleBuildReason } from "./web-build.ts";

/** Uploads may be up to 20 MB (ATELIER_UPLOADS_MAX_MB); adapter-node must let such a body through. */
const BODY_SIZE_LIMIT = "21M";

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
  await clearBuildStamp();
  const log = await openServiceLog(logDir, "web-build");
  const child = spawn(process.execPath, [vite, "build", "--logLevel", "warn"], {
    cwd: WEB_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: buildEnv(),
  });
  log.follow(child.stdout);
  log.follow(child.stderr);
  const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const done = exit.then(async (code) => {
    await log.close();
    if (code !== 0) throw new Error(`vite build exited with code ${code}; its log: ${log.file}`);
    await stampBuild(digest);
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
