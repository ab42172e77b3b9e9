/**
 * `npm run bench:indexer -- --json FILE [--works N] [--art-works N] [--skip postgres,discovery]`: seeds a local chain, then measures Ponder backfill
 * on PGlite and on Postgres, block-mined → queryable latency, the dApp's main queries, near-match over
 * 100k hashes, related works, the image embedding's CPU cost, and offline recommendation quality on
 * markets with real (generator art through MobileNetV2) and simulated embeddings.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { FsBlockstore } from "blockstore-fs";
import { CID } from "multiformats/cid";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { createPublicClient, createWalletClient, http, keccak256, toHex, type Address } from "viem";
import { hardhat } from "viem/chains";
import { abis } from "@atelier/protocol";
import { deployAtelier, devAccount, startHardhatNode } from "@atelier/devchain";
import { createQueries, mulberry32, NearMatchIndex, RIGHTS } from "@atelier/query";
import { startPonder } from "../test-support/ponder.ts";
import { postgresAvailable, startPostgres } from "../test-support/postgres.ts";
import { benchDiscovery } from "./discovery.ts";
import { seedMarket, SEED_WORDS } from "./seed.ts";
import type { StoredMetadata } from "@atelier/devchain/scenario";
import { percentile, timeIt } from "./timing.ts";

const { values } = parseArgs({
  options: {
    json: { type: "string" },
    works: { type: "string", default: "10000" },
    "near-hashes": { type: "string", default: "100000" },
    "art-works": { type: "string", default: "480" },
    /** Comma-separated parts to leave out: postgres, discovery (their keys are then absent). */
    skip: { type: "string", default: "" },
  },
});
const SKIP = new Set(values.skip.split(",").filter(Boolean));
const WORKS = Number(values.works);
const log = (...args: unknown[]) => console.error("[bench]", ...args);

/**
 * EXPLAIN of the hot lists' SQL (the shapes /list sends) on the indexed PGlite database, after Ponder
 * stopped: which index each one uses. First line of each plan and whether it names an index.
 */
async function explainHotQueries(parent: string, creator: string): Promise<Record<string, string[]>> {
  // Ponder's own PGlite (0.2.x: its data directory format), not the newer one the query package uses.
  const fromPonder = createRequire(fileURLToPath(import.meta.resolve("ponder")));
  const { PGlite } = (await import(
    pathToFileURL(fromPonder.resolve("@electric-sql/pglite")).href
  )) as typeof import("@electric-sql/pglite");
  const dirs = (await readdir(parent)).filter((d) => d.startsWith("pglite-"));
  if (dirs.length !== 1)
    return { error: [`expected one pglite directory in ${parent}, found ${dirs.length}`] };
  const db = new PGlite(path.join(parent, dirs[0]!));
  const shapes: Record<string, string> = {
    listWorks: `select * from work order by number asc, id asc limit 25`,
    listWorksPage: `select * from work where number > 5000 order by number asc, id asc limit 25`,
    listWorksByCreator: `select * from work where creator = '${creator.toLowerCase()}' order by number asc, id asc limit 25`,
    offersByRights: `select * from offer where active = true and terms_flags in (3, 7, 11, 15, 35, 39, 43, 47) and work_number > 5000 order by work_number asc, id asc limit 200`,
    workByContentHash: `select * from work where content_hash = '0x00' limit 1`,
    workByWatermark: `select * from work where watermark_id = 36028797018963969 limit 1`,
    workByWatermarkOrderedById: `select * from work where watermark_id = 36028797018963969 order by id asc limit 1`,
    licencesOfAccount: `select * from license where licensee = '${creator.toLowerCase()}' order by block_number asc, id asc limit 51`,
    transfersOfWork: `select * from transfer where work = '5000' order by block_number asc, id asc limit 100`,
  };
  const out: Record<string, string[]> = {};
  try {
    const schemas = await db.query<{ nspname: string }>(
      `select nspname from pg_namespace where nspname not like 'pg_%' and nspname not in ('information_schema', 'public')`,
    );
    const schema = schemas.rows.find((r) => r.nspname === "atelier")?.nspname ?? schemas.rows[0]?.nspname;
    await db.exec(`set search_path to "${schema}"`);
    for (const [name, query] of Object.entries(shapes)) {
      try {
        const plan = await db.query<{ "QUERY PLAN": string }>(`explain ${query}`);
        out[name] = plan.rows.map((r) => r["QUERY PLAN"]);
      } catch (error) {
        out[name] = [`error: ${(error as Error).message}`];
      }
    }
  } finally {
    await db.close();
  }
  return out;
}

/** User + system CPU of a process so far, in ms (Linux /proc; clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime, stime, cutime, cstime are fields 14–17 (1-based) of stat, 12–15 after "pid (comm) ".
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const result: Record<string, unknown> = {
  config: {
    works: WORKS,
    nearMatchHashes: Number(values["near-hashes"]),
    cpus: cpus().length,
    loadAverageAtStart: loadavg()[0],
  },
};
// A loaded machine can take over 30 s to start the node.
const chain = await startHardhatNode({ startTimeoutMs: 180_000 });
try {
  const deployment = await deployAtelier({ rpcUrl: chain.rpcUrl });
  log(`seeding ${WORKS} works …`);
  const t0 = performance.now();
  const blocks: StoredMetadata[] = [];
  const seed = await seedMarket(chain.rpcUrl, deployment, {
    works: WORKS,
    onProgress: (n) => n % 1000 === 0 && log(`  ${n} works`),
    onMetadata: (block) => blocks.push(block),
  });
  // The works' metadata in a blockstore the indexer reads (as a generator node's store would be).
  const blockstoreDir = await mkdtemp(path.join(tmpdir(), "atelier-bench-blocks-"));
  const store = new FsBlockstore(blockstoreDir);
  await store.open();
  for (const block of blocks) await store.put(CID.parse(block.cid), block.bytes);
  await store.close();
  result.seed = {
    ...seed,
    toBlock: Number(seed.toBlock),
    seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
  };
  log("seeded", result.seed);

  // Backfill on PGlite: from spawning `ponder start` to the last seeded block indexed (startup included).
  const backfill: Record<string, unknown> = {};
  let t = performance.now();
  const pgliteParent = await mkdtemp(path.join(tmpdir(), "atelier-bench-pglite-"));
  const ponder = await startPonder({
    rpcUrl: chain.rpcUrl,
    deployment,
    blockstoreDir,
    dataDir: pgliteParent,
    readyTimeoutMs: 2_400_000,
  });
  await ponder.waitForBlock(seed.toBlock, 1_800_000);
  let seconds = (performance.now() - t) / 1000;
  backfill.pglite = {
    events: seed.events,
    seconds: Number(seconds.toFixed(1)),
    eventsPerSec: Number((seed.events / seconds).toFixed(0)),
  };
  log("pglite backfill", backfill.pglite);

  // Metadata resolves in the background and is written on the next block: mine until none is pending
  // (the generated works' metadata is not in the store and stays pending).
  t = performance.now();
  for (;;) {
    const data = await ponder.graphql<{ workMetadatas: { totalCount: number } }>(
      `{ workMetadatas(where: { status: "pending" }, limit: 1) { totalCount } }`,
    );
    if (data.workMetadatas.totalCount <= seed.jobs) break;
    if (performance.now() - t > 900_000) throw new Error("metadata still pending after 15 minutes");
    await fetch(chain.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "evm_mine", params: [] }),
    });
    await new Promise((r) => setTimeout(r, 500));
  }
  result.metadata = {
    objects: blocks.length,
    secondsAfterBackfill: Number(((performance.now() - t) / 1000).toFixed(1)),
  };
  log("metadata", result.metadata);

  // Block mined → queryable: a mint per sample, timed from its receipt to the work appearing in GraphQL.
  const client = createPublicClient({ chain: hardhat, transport: http(chain.rpcUrl) });
  const creator = createWalletClient({
    chain: hardhat,
    transport: http(chain.rpcUrl),
    account: devAccount(1),
  });
  let nextWork = BigInt(seed.works) + 1n;
  const latencies: number[] = [];
  for (let i = 0; i < 20; i++) {
    const hash = await creator.writeContract({
      address: deployment.contracts.Works as Address,
      abi: abis.Works,
      functionName: "mintWork",
      args: [
        keccak256(toHex(`latency2-${i}`)),
        keccak256(toHex(`m2-${i}`)),
        `0x${"00".repeat(32)}`,
        0n,
        0,
        [],
        [],
      ],
    });
    await client.waitForTransactionReceipt({ hash, pollingInterval: 5 });
    const mined = performance.now();
    const id = nextWork++;
    for (;;) {
      const data = await ponder.graphql<{ work: { id: string } | null }>(`{ work(id: "${id}") { id } }`);
      if (data.work) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    latencies.push(performance.now() - mined);
  }
  result.latency = {
    p50Ms: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
    samples: latencies.length,
    note: "from the receipt seen by the client to the work visible in Ponder's GraphQL",
  };
  log("latency", result.latency);

  // The dApp's main queries through the query layer (Ponder adapter).
  const q = createQueries({ kind: "ponder", url: `${ponder.url}/graphql` });
  const rand = mulberry32(5);
  const someWork = () => BigInt(1 + Math.floor(rand() * seed.works));
  const byName: Record<string, { p50Ms: number; p95Ms: number; serverCpuMs: number; clientCpuMs: number }> =
    {};
  const all: number[] = [];
  const word = () => SEED_WORDS[Math.floor(rand() * SEED_WORDS.length)]!;
  const cases: Record<string, () => Promise<unknown>> = {
    listWorks: () => q.listWorks({}, { first: 24 }),
    listWorksPage: () => q.listWorks({}, { first: 24, after: String(someWork()) }),
    listWorksByRights: () => q.listWorks({ rights: RIGHTS.commercial | RIGHTS.derivatives }, { first: 24 }),
    listWorksByRightsPage: () =>
      q.listWorks(
        { rights: RIGHTS.commercial | RIGHTS.derivatives },
        { first: 24, after: String(someWork()) },
      ),
    listWorksAvailableUnder: () =>
      q.listWorks(
        { available: true, maxPrice: 1_000_000_000_000_000n },
        { first: 24, after: String(someWork()) },
      ),
    listWorksByCreator: () => q.listWorks({ creator: devAccount(2).address }, { first: 24 }),
    workByWatermark: () => q.workByWatermark((1n << 55n) | 1n),
    workByContentHash: () => q.workByContentHash(keccak256(toHex(`seed-${Math.floor(rand() * WORKS)}`))),
    provenance: () => q.provenance(someWork()),
    account: () => q.account(devAccount(6).address),
    nodes: () => q.nodes(),
    search: () => q.search(word()),
    searchTwoWords: () => q.search(`${word()} ${word()}`),
  };
  // CPU per query, which moves less with the machine's load than wall time: the indexer process's
  // (user + system, from /proc) and this client's, over the 30 runs.
  const serverCpuMs = () => processCpuMs(ponder.pid);
  const measure = async (run: () => Promise<unknown>) => {
    await run();
    const server = serverCpuMs();
    const client = process.cpuUsage();
    const samples = await timeIt(30, run);
    const clientUsed = process.cpuUsage(client);
    return {
      samples,
      serverCpuMs: Number(((serverCpuMs() - server) / 30).toFixed(2)),
      clientCpuMs: Number(((clientUsed.user + clientUsed.system) / 1000 / 30).toFixed(2)),
    };
  };
  for (const [name, run] of Object.entries(cases)) {
    const { samples, serverCpuMs, clientCpuMs } = await measure(run);
    all.push(...samples);
    byName[name] = {
      p50Ms: percentile(samples, 0.5),
      p95Ms: percentile(samples, 0.95),
      serverCpuMs,
      clientCpuMs,
    };
  }
  // Where the time goes: the same queries over Ponder's GraphQL (the transport before /list), and an
  // empty GraphQL query (`_meta`) against an empty SQL list, each 30 runs.
  const viaGraphql = createQueries({
    kind: "ponder",
    url: `${ponder.url}/graphql`,
    ponderTransport: "graphql",
  });
  const graphqlByName: Record<string, { p50Ms: number; p95Ms: number; serverCpuMs: number }> = {};
  const graphqlAll: number[] = [];
  const graphqlCases: Record<string, () => Promise<unknown>> = {
    listWorks: () => viaGraphql.listWorks({}, { first: 24 }),
    listWorksByRights: () =>
      viaGraphql.listWorks({ rights: RIGHTS.commercial | RIGHTS.derivatives }, { first: 24 }),
    provenance: () => viaGraphql.provenance(someWork()),
    account: () => viaGraphql.account(devAccount(6).address),
    emptyGraphql: () => ponder.graphql(`{ _meta { status } }`),
    emptyList: () =>
      fetch(`${ponder.url}/list`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          requests: [{ entity: "Work", fields: ["id"], options: { where: { id: "0" }, first: 1 } }],
        }),
      }).then((r) => r.json()),
  };
  for (const [name, run] of Object.entries(graphqlCases)) {
    const { samples, serverCpuMs } = await measure(run);
    if (!name.startsWith("empty")) graphqlAll.push(...samples);
    graphqlByName[name] = { p50Ms: percentile(samples, 0.5), p95Ms: percentile(samples, 0.95), serverCpuMs };
  }
  result.queries = {
    p95Ms: percentile(all, 0.95),
    works: seed.works,
    loadAverageAtQueries: loadavg()[0],
    transport: "POST /list (SQL beside Ponder's GraphQL)",
    byName,
    graphql: { p95Ms: percentile(graphqlAll, 0.95), byName: graphqlByName },
  };
  log("queries", result.queries);
  await ponder.stop();
  (result.queries as Record<string, unknown>).explain = await explainHotQueries(
    pgliteParent,
    devAccount(2).address,
  ).catch((error: Error) => ({ error: [error.message] }));

  if (SKIP.has("postgres")) backfill.postgres = { skipped: "--skip postgres" };
  else if (postgresAvailable()) {
    const postgres = await startPostgres();
    try {
      t = performance.now();
      const onPg = await startPonder({
        rpcUrl: chain.rpcUrl,
        deployment,
        databaseUrl: postgres.url,
        readyTimeoutMs: 2_400_000,
      });
      await onPg.waitForBlock(seed.toBlock, 1_800_000);
      seconds = (performance.now() - t) / 1000;
      backfill.postgres = {
        events: seed.events,
        seconds: Number(seconds.toFixed(1)),
        eventsPerSec: Number((seed.events / seconds).toFixed(0)),
      };
      await onPg.stop();
    } finally {
      await postgres.stop();
    }
  } else backfill.postgres = { skipped: "no initdb/pg_ctl: apt-get install postgresql" };
  log("postgres backfill", backfill.postgres);
  result.backfill = backfill;
} finally {
  await chain.stop();
}

// Near matches over 100k hashes (usearch Hamming index).
{
  const n = Number(values["near-hashes"]);
  const rand = mulberry32(11);
  const word = () => BigInt(Math.floor(rand() * 2 ** 32));
  const hashes = Array.from({ length: n }, () => (word() << 32n) | word());
  const index = new NearMatchIndex();
  const t = performance.now();
  for (let i = 0; i < n; i += 10_000)
    index.add(hashes.slice(i, i + 10_000).map((hash, j) => ({ workId: BigInt(i + j + 1), hash })));
  const buildSeconds = (performance.now() - t) / 1000;
  let found = 0;
  const samples = await timeIt(500, (i) => {
    const target = Math.floor(rand() * n);
    const hash = hashes[target]! ^ (1n << BigInt(i % 64)) ^ (1n << BigInt((i * 7) % 64));
    if (index.search(hash, 8, 10).some((m) => m.workId === BigInt(target + 1))) found += 1;
  });
  result.nearMatch = {
    p95Ms: percentile(samples, 0.95),
    p50Ms: percentile(samples, 0.5),
    hashes: n,
    recallAt2Bits: found / 500,
    buildSeconds: Number(buildSeconds.toFixed(1)),
  };
  log("nearMatch", result.nearMatch);
}

// Related works, the image embedding's cost, and recommendation quality (real and simulated embeddings).
if (!SKIP.has("discovery"))
  Object.assign(result, await benchDiscovery({ artWorks: Number(values["art-works"]), log }));

const text = JSON.stringify(result, null, 2);
console.log(text);
if (values.json) await writeFile(values.json, `${text}\n`);
