/**
 * `npm run bench:indexer -- --json FILE [--works N] [--art-works N]`: seeds a local chain, then measures Ponder backfill
 * on PGlite and on Postgres, block-mined → queryable latency, the dApp's main queries, near-match over
 * 100k hashes, related works, the image embedding's CPU cost, and offline recommendation quality on
 * markets with real (generator art through MobileNetV2) and simulated embeddings.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
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
import type { StoredMetadata } from "../scenario/metadata.ts";

const { values } = parseArgs({
  options: {
    json: { type: "string" },
    works: { type: "string", default: "10000" },
    "near-hashes": { type: "string", default: "100000" },
    "art-works": { type: "string", default: "480" },
  },
});
const WORKS = Number(values.works);
const log = (...args: unknown[]) => console.error("[bench]", ...args);

const percentile = (samples: number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(2));
};
async function timeIt(n: number, fn: (i: number) => Promise<unknown> | unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
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
  const ponder = await startPonder({
    rpcUrl: chain.rpcUrl,
    deployment,
    blockstoreDir,
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
  const byName: Record<string, { p50Ms: number; p95Ms: number }> = {};
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
  for (const [name, run] of Object.entries(cases)) {
    await run();
    const samples = await timeIt(30, run);
    all.push(...samples);
    byName[name] = { p50Ms: percentile(samples, 0.5), p95Ms: percentile(samples, 0.95) };
  }
  result.queries = {
    p95Ms: percentile(all, 0.95),
    works: seed.works,
    loadAverageAtQueries: loadavg()[0],
    byName,
  };
  log("queries", result.queries);
  await ponder.stop();

  if (postgresAvailable()) {
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
Object.assign(result, await benchDiscovery({ artWorks: Number(values["art-works"]), log }));

const text = JSON.stringify(result, null, 2);
console.log(text);
if (values.json) await writeFile(values.json, `${text}\n`);
