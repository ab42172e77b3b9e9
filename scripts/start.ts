/**
 * `npm start`: the whole local stack in one process tree, started in dependency order, each service
 * checked ready before the next: chain + contracts → generator node (IPFS gateway; its Helia a loopback
 * libp2p peer) → indexer (Ponder on PGlite, metadata through the gateway) → dApp (SvelteKit, adapter-node;
 * built first when its build is missing or stale; its upload store dials the node's Helia) → a first
 * generated work → the demo market's uploads, offers and licences (`@atelier/seed`), waited for until the
 * indexer has them; the banner then names what the node is still making (the seed's generation jobs). One
 * prefixed log stream; every service's log also in `.atelier/logs/<service>.log`. A service that exits
 * unasked is reported, never restarted. Ctrl-C (or SIGTERM) stops everything in reverse dependency order
 * (dApp, indexer, node, then the chain — run in its own process group so the terminal's Ctrl-C does not
 * kill it under a node still shutting down), releasing every port. `--fresh` wipes `.atelier/` first.
 * Flags: scripts/lib/start-options.ts.
 */
import path from "node:path";
import { assertPortFree, deployAtelier, freePort, startHardhatNode } from "@atelier/devchain";
import { writeDeployment } from "@atelier/protocol/node";
import { printBanner, type Stage } from "./lib/banner.ts";
import { preparePicturesInWorker } from "@atelier/seed";
import { requestDemoWork, type DemoWork } from "./lib/demo-work.ts";
import {
  seedCacheDir,
  seedMarketJobs,
  seedMarketUploads,
  STILL_SEEDING,
  type MarketUploads,
} from "./lib/demo-market.ts";
import { KEPT_BY_FRESH, wipeLocalState } from "./lib/local-state.ts";
import { startLocalIndexer, type LocalIndexer } from "./lib/indexer.ts";
import { nodeBlockstoreDir, startLocalNode } from "./lib/local-node.ts";
import { say } from "./lib/log-stream.ts";
import { PORTS, parseStartOptions, type PortFlag } from "./lib/start-options.ts";
import { describeCrash, type Crash } from "./lib/supervisor.ts";
import { startWebBuild, sourceDigest, staleBuildReason, startWebApp } from "./lib/web-app.ts";

const DEMO_PROMPT = "a tide pool at dusk, mother-of-pearl and teal";
const STATE_DIR = path.resolve(import.meta.dirname, "../.atelier");
const LOG_DIR = path.join(STATE_DIR, "logs");
const options = parseStartOptions();
const { host, ports } = options;

const services: { name: string; stop(): Promise<void> }[] = [];
const crashes: Crash[] = [];
let stopping = false;
let ready = false;

function onCrash(crash: Crash): void {
  // Ctrl-C reaches every child of the terminal's process group at once: give our own handler the first word.
  setTimeout(() => {
    if (stopping) return;
    crashes.push(crash);
    say("npm start", `✖ ${describeCrash(crash)}. Not restarted.`);
    if (ready)
      say(
        "npm start",
        `status: DEGRADED — ${crashes.map((c) => c.service).join(", ")} down; the rest keeps running. ` +
          "Ctrl-C stops everything; see README › Troubleshooting.",
      );
  }, 200);
}

let stopped: Promise<never> | undefined;
/**
 * Stops every service in reverse order, once: a second Ctrl-C, or the SIGTERM npm may relay meanwhile,
 * waits for the same stop instead of exiting under children that are still shutting down.
 */
function stopAll(code: number): Promise<never> {
  stopping = true;
  stopped ??= (async () => {
    for (const service of services.reverse()) {
      await service
        .stop()
        .catch((error: unknown) => console.error(`stopping ${service.name}: ${String(error)}`));
    }
    process.exit(code);
  })();
  return stopped;
}

process.on("SIGINT", () => {
  if (!stopped) console.log("\nstopping…");
  void stopAll(crashes.length === 0 ? 0 : 1);
});
process.on("SIGTERM", () => void stopAll(0));
// The chain is outside the terminal's process group: a closed terminal must still stop it.
process.on("SIGHUP", () => void stopAll(0));

const started = performance.now();
const elapsed = () => (performance.now() - started) / 1000;
const stages: Stage[] = [];
let stageStart = 0;
/** Records the time since the last mark as one stage of the start, and prints its mark. */
function mark(name: string, text: string, note?: string, at?: number): void {
  const now = at ?? elapsed();
  stages.push({ name, seconds: now - stageStart, ...(note ? { note } : {}) });
  stageStart = now;
  say(name, `${text}  [${elapsed().toFixed(1)} s]`);
}
/** A service that crashed while a later one was starting fails the start, naming it. */
function assertNoCrash(): void {
  if (crashes.length > 0) throw new Error(crashes.map(describeCrash).join("; "));
}

try {
  // Every port first, each named by its flag, so a clash fails in a second, not after the chain is up.
  for (const flag of Object.keys(PORTS) as PortFlag[]) {
    if ((flag === "web-port" && !options.web) || (flag === "indexer-port" && !options.indexer)) continue;
    await assertPortFree(ports[flag], host).catch((error: Error) => {
      const { service, env } = PORTS[flag];
      throw new Error(
        /already in use/.test(error.message)
          ? `port ${ports[flag]} on ${host} (${service}) is already in use: stop what holds it, or choose another with --${flag} N (or ${env})`
          : `${error.message} (${service}, --${flag})`,
      );
    });
  }

  if (options.ipfsPort !== undefined)
    await assertPortFree(options.ipfsPort, "127.0.0.1").catch((error: Error) => {
      throw new Error(
        /already in use/.test(error.message)
          ? `port ${options.ipfsPort} on 127.0.0.1 (the node's IPFS peer) is already in use: stop what holds it, or choose another with --ipfs-port N (or ATELIER_IPFS_PORT)`
          : `${error.message} (the node's IPFS peer, --ipfs-port)`,
      );
    });

  if (options.fresh) {
    const wiped = await wipeLocalState(STATE_DIR);
    say(
      "npm start",
      wiped.length === 0
        ? `--fresh: ${path.relative(process.cwd(), STATE_DIR) || ".atelier"}/ held no state to wipe`
        : `--fresh: wiped ${wiped.map((entry) => `.atelier/${entry}`).join(", ")} ` +
            `(kept ${KEPT_BY_FRESH.map((entry) => `.atelier/${entry}`).join(", ")}: pictures the seed renders, derived from their inputs)`,
    );
  }

  // The seed's pictures need no service: they are rendered and watermarked in a worker from the start.
  const pictures = options.seed ? preparePicturesInWorker(seedCacheDir(STATE_DIR)) : undefined;
  if (pictures) services.push({ name: "seed pictures", stop: pictures.stop });

  say("chain", "starting the local chain…");
  const chain = await startHardhatNode({ port: ports["chain-port"], host, ownProcessGroup: true });
  services.push({ name: "chain", stop: chain.stop });
  void chain.exited.then(({ code, signal }) =>
    onCrash({
      service: "chain",
      code,
      signal,
      logFile: "(hardhat node output is not kept: it prints dev keys)",
    }),
  );
  const deployment = await deployAtelier({ rpcUrl: chain.rpcUrl });
  const deploymentFile = await writeDeployment(deployment);
  mark("chain", `${chain.rpcUrl} (Hardhat node, chain id ${chain.chainId}), contracts deployed by Ignition`);
  for (const [name, address] of Object.entries(deployment.contracts))
    say("chain", `  ${name.padEnd(24)} ${address}`);
  say("chain", `  deployment file          ${path.relative(process.cwd(), deploymentFile)}`);

  // The dApp's build is checked (and started) while the chain comes up: the build is the slowest step of
  // a fresh clone, and it needs none of the services.
  let build: Promise<void> | undefined;
  let buildSeconds = 0;
  if (options.web) {
    const digest = await sourceDigest();
    const reason = await staleBuildReason(digest);
    if (reason === undefined) say("web", "web/build is up to date with its sources: no build needed");
    else {
      say("web", `building the dApp (${reason}; vite build, ~10-40 s)…`);
      const buildStart = elapsed();
      const running = await startWebBuild(LOG_DIR, digest);
      services.push({ name: "web-build", stop: running.stop });
      build = running.done.then(() => {
        buildSeconds = elapsed() - buildStart;
        say("web", `dApp built in ${buildSeconds.toFixed(1)} s`);
      });
      build.catch(() => undefined);
    }
  }

  // The indexer needs only the chain (it reads metadata through the node's gateway when works appear), so
  // it starts beside the node: Ponder's own start is the longest step here.
  say("node", "starting the generator node (loads its models: a few seconds)…");
  // Its libp2p port is fixed for the run, so the dApp's Helia redials the same address if the node restarts.
  const ipfsPort = options.ipfsPort ?? (await freePort("127.0.0.1"));
  const gatewayUrl = `http://${host}:${ports["gateway-port"]}`;
  const nodeStart = startLocalNode({
    rpcUrl: chain.rpcUrl,
    deployment,
    deploymentFile,
    stateDir: STATE_DIR,
    gatewayPort: ports["gateway-port"],
    ipfsPort,
    host,
    logDir: LOG_DIR,
    onCrash,
  });
  if (options.indexer) say("indexer", "starting the indexer (Ponder on PGlite) beside the node…");
  const indexerStart = options.indexer
    ? startLocalIndexer({
        rpcUrl: chain.rpcUrl,
        deploymentFile,
        gatewayUrl,
        stateDir: STATE_DIR,
        host,
        port: ports["indexer-port"],
        logDir: LOG_DIR,
        onCrash,
      })
    : Promise.resolve(undefined);
  const readyAt = (start: Promise<unknown>) => start.then(() => elapsed());
  const [nodeResult, indexerResult, nodeAt, indexerAt] = await Promise.allSettled([
    nodeStart,
    indexerStart,
    readyAt(nodeStart),
    readyAt(indexerStart),
  ]);
  // Whatever did start is stopped again if the other failed.
  if (nodeResult.status === "fulfilled")
    services.push({ name: "generator node", stop: nodeResult.value.stop });
  if (indexerResult.status === "fulfilled" && indexerResult.value)
    services.push({ name: "indexer", stop: indexerResult.value.stop });
  if (nodeResult.status === "rejected") throw nodeResult.reason;
  if (indexerResult.status === "rejected") throw indexerResult.reason;
  const node = nodeResult.value;
  const indexer: LocalIndexer | undefined = indexerResult.value;
  const nodeSeconds = nodeAt.status === "fulfilled" ? nodeAt.value : elapsed();
  mark(
    "node",
    `serving model ${node.modelId} (built-in art model v2) and ${node.variationModelId} (its variations) on ${node.provider}; gateway ${node.gatewayUrl}; IPFS peer ${node.ipfsAddr}`,
    undefined,
    nodeSeconds,
  );
  if (indexer) {
    const indexerSeconds = indexerAt.status === "fulfilled" ? indexerAt.value : elapsed();
    mark(
      "indexer",
      `GraphQL ${indexer.graphqlUrl}`,
      `started beside the node, ready at ${indexerSeconds.toFixed(1)} s`,
      Math.max(indexerSeconds, nodeSeconds),
    );
  }
  assertNoCrash();

  const mine = () =>
    fetch(chain.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "evm_mine", params: [] }),
    }).then(() => undefined);

  // The first work and the demo market need only the chain, the node and the indexer: they run beside the
  // dApp's build and start. The first work stays work 1: the market's uploads are minted after it.
  let demoAt = 0;
  let seedAt = 0;
  let jobsSettled = false;
  let picturesNote = "";
  const seeding = options.seed
    ? (async () => {
        say("demo", "requesting a first generated work…");
        const demo = await requestDemoWork({
          rpcUrl: chain.rpcUrl,
          deployment,
          modelId: node.modelId,
          gatewayUrl: node.gatewayUrl,
          prompt: DEMO_PROMPT,
        });
        say("demo", `job ${demo.jobId} fulfilled as work ${demo.workId}`);
        say("demo", `  token URI                ${demo.tokenUri}`);
        say("demo", `  metadata                 ${demo.metadataUrl}`);
        if (demo.imageUrl) say("demo", `  image                    ${demo.imageUrl}`);
        if (indexer) await indexer.waitForWork(demo.workId, mine);
        demoAt = elapsed();

        const made = await pictures!.done;
        picturesNote =
          made.made === 0
            ? "pictures from .atelier/cache"
            : `${made.made} pictures rendered and watermarked in ${(made.ms / 1000).toFixed(1)} s beside the start`;
        const market = await seedMarketUploads({
          rpcUrl: chain.rpcUrl,
          deployment,
          stateDir: STATE_DIR,
          blockstoreDir: nodeBlockstoreDir(STATE_DIR),
          log: (line) => say("seed", line),
        });
        services.push({ name: "seed store", stop: () => market.store.close() });
        // The node starts on the jobs while the indexer catches up with the uploads.
        const jobs = seedMarketJobs({
          rpcUrl: chain.rpcUrl,
          deployment,
          token: market.token,
          models: { art: node.modelId, variation: node.variationModelId },
          demoWorkId: demo.workId,
          demoPrompt: DEMO_PROMPT,
          log: (line) => say("seed", line),
        });
        jobs.then(
          () => (jobsSettled = true),
          () => (jobsSettled = true),
        );
        if (indexer) await indexer.waitForWork(market.lastWorkId, mine);
        seedAt = elapsed();
        return { demo, market, jobs };
      })()
    : undefined;
  seeding?.catch(() => undefined);

  let webUrl: string | undefined;
  if (options.web) {
    if (build) {
      await build;
      // The build ran beside the node and the indexer: only the wait left after them counts here.
      mark(
        "web-build",
        "dApp build done",
        `the build took ${buildSeconds.toFixed(1)} s in all, beside the node and the indexer`,
      );
    }
    const web = await startWebApp({
      host,
      port: ports["web-port"],
      rpcUrl: chain.rpcUrl,
      deploymentFile,
      graphqlUrl: indexer?.graphqlUrl,
      gatewayUrl: node.gatewayUrl,
      uploadsDir: path.join(STATE_DIR, "uploads"),
      ipfsPeer: node.ipfsAddr,
      logDir: LOG_DIR,
      onCrash,
    });
    services.push({ name: "web", stop: web.stop });
    webUrl = web.url;
    mark("web", `dApp ${web.url}`);
    assertNoCrash();
  }

  let demo: DemoWork | undefined;
  let market: MarketUploads | undefined;
  let jobs: Promise<unknown> | undefined;
  if (seeding) {
    ({ demo, market, jobs } = await seeding);
    // Shares are time on the critical path: what the seed took beyond the dApp's start, if anything.
    mark(
      "demo",
      `work ${demo.workId} ${indexer ? "indexed with its metadata" : "minted (no indexer)"}`,
      undefined,
      Math.max(demoAt, stageStart),
    );
    const t = market.tally;
    mark(
      "seed",
      `${market.works.length} uploaded works ${indexer ? "indexed" : "on chain"} (this run: ${t.works} minted, ${t.licences} licences sold, ${t.other} other transactions)`,
      picturesNote,
      Math.max(seedAt, stageStart),
    );
    assertNoCrash();
  }

  ready = true;
  printBanner({
    webUrl,
    workUrl: webUrl && demo ? `${webUrl}/works/${demo.workId}` : undefined,
    graphqlUrl: indexer?.graphqlUrl,
    gatewayUrl: node.gatewayUrl,
    rpcUrl: chain.rpcUrl,
    chainId: chain.chainId,
    logDir: path.relative(process.cwd(), LOG_DIR),
    stages,
    crashed: crashes.map((c) => c.service),
    totalSeconds: elapsed(),
    stillSeeding: jobs && !jobsSettled ? STILL_SEEDING : undefined,
  });
  if (jobs) {
    const since = elapsed();
    jobs.then(
      (done) => {
        const { works } = done as { works: { workId: bigint }[] };
        say(
          "seed",
          `demo market complete: ${works.length} generated works (${works.map((w) => w.workId).join(", ")}) ` +
            `${(elapsed() - since).toFixed(1)} s after the banner  [${elapsed().toFixed(1)} s]`,
        );
      },
      (error: unknown) => {
        if (!stopping)
          say(
            "seed",
            `✖ the seed's generation jobs stopped: ${error instanceof Error ? error.message : String(error)}`,
          );
      },
    );
  }
} catch (error) {
  // A step cut short by Ctrl-C (its chain already gone) is not a failure to report.
  if (!stopping) console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  await stopAll(1);
}
