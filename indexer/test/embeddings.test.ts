/**
 * Image embeddings in the running index: Ponder (PGlite) on a local chain with works whose images are
 * real pictures in a blockstore; its embedding worker computes, persists and serves their embeddings,
 * and the query layer's "more like this" ranks by them (by perceptual hash while one is pending).
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keccak256, toHex } from "viem";
import type { Deployment } from "@atelier/protocol";
import { deployAtelier, startHardhatNode, type RunningChain } from "@atelier/devchain";
import { createQueries, loadRelatedWorks } from "@atelier/query";
import { loadArtFixtures } from "@atelier/query/test-support/art";
import { mintArtWorks, type ArtWork } from "../test-support/art-works.ts";
import { startPonder, type RunningPonder } from "../test-support/ponder.ts";
import type { EmbeddingStatusCounts, WorkEmbeddingStatus } from "../embeddings/service.ts";

/** The embedding worker at normal priority (see beforeAll). */
const NICE = { ATELIER_EMBEDDINGS_NICE: "0" };

const hash64 = (label: string) => BigInt(keccak256(toHex(label)).slice(0, 18));

describe("image embeddings beside Ponder", () => {
  let chain: RunningChain;
  let deployment: Deployment;
  let blockstoreDir: string;
  let dataDir: string;
  let ponder: RunningPonder;

  const status = async <T = EmbeddingStatusCounts>(query = ""): Promise<T> =>
    (await (await fetch(`${ponder.url}/embeddings/status${query}`)).json()) as T;

  /** Mines blocks (metadata resolves on blocks) until the counts satisfy `done`; generous deadline. */
  async function waitFor(done: (c: EmbeddingStatusCounts) => boolean): Promise<EmbeddingStatusCounts> {
    const until = Date.now() + 300_000;
    for (;;) {
      // A loaded machine drops a connection now and then: try again until the deadline.
      const counts = await fetch(chain.rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "evm_mine", params: [] }),
      }).then(
        () => status().catch(() => undefined),
        () => undefined,
      );
      if (counts && done(counts)) return counts;
      if (Date.now() > until)
        throw new Error(`embeddings did not settle: ${JSON.stringify(counts)}\n${ponder.output()}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  beforeAll(async () => {
    const art = new Map((await loadArtFixtures()).map((a) => [a.name, a.bytes]));
    const picture = (name: string): ArtWork => ({
      name,
      image: { bytes: art.get(`${name}.jpg`)! },
      perceptualHash: hash64(name),
    });
    const works: ArtWork[] = [
      picture("p0-s0"), // 1
      picture("p0-s1"), // 2
      picture("p0-s2"), // 3
      picture("p3-s0"), // 4
      picture("p3-s1"), // 5
      picture("p5-s0"), // 6
      // 7: its image is not in the store (pending); its perceptual hash equals work 1's.
      { name: "missing", image: { missing: true }, perceptualHash: hash64("p0-s0") },
      // 8: not an IPFS image; 9: an IPFS file that is not an image.
      { name: "hostile", image: { uri: "javascript:alert(1)" }, perceptualHash: hash64("hostile") },
      {
        name: "text",
        image: { bytes: new TextEncoder().encode("not a picture ".repeat(600)) },
        perceptualHash: hash64("text"),
      },
    ];
    // A loaded machine can take over 30 s to start the node.
    chain = await startHardhatNode({ startTimeoutMs: 180_000 });
    deployment = await deployAtelier({ rpcUrl: chain.rpcUrl });
    blockstoreDir = await mkdtemp(path.join(tmpdir(), "atelier-art-blocks-"));
    dataDir = await mkdtemp(path.join(tmpdir(), "atelier-ponder-embeddings-"));
    await mintArtWorks(chain.rpcUrl, deployment, blockstoreDir, works);
    // The worker runs at nice 19 by default; beside the other suites on a 2-core CI machine it then got
    // ~1.5% of a core and computed 2 of 6 embeddings in 300 s. Normal priority makes the test about the
    // service, not the scheduler.
    ponder = await startPonder({ rpcUrl: chain.rpcUrl, deployment, dataDir, blockstoreDir, env: NICE });
    await waitFor((c) => c.ok >= 6 && c.rejected >= 2);
  }, 600_000);

  afterAll(async () => {
    await ponder?.stop();
    await chain?.stop();
  });

  it("embeds every indexed work's image in the background; missing stays pending, bad input is rejected with a reason", async () => {
    const counts = await status();
    expect(counts).toMatchObject({
      ok: 6,
      pending: 1,
      rejected: 2,
      computed: 6,
      stored: 0,
      dimensions: 1280,
    });
    expect(await status<WorkEmbeddingStatus>("?work=1")).toEqual({ status: "ok" });
    expect(await status<WorkEmbeddingStatus>("?work=7")).toEqual({ status: "pending" });
    expect(await status<WorkEmbeddingStatus>("?work=8")).toEqual({
      status: "rejected",
      reason: expect.stringMatching(/not an ipfs:\/\/<cid> URI/),
    });
    expect(await status<WorkEmbeddingStatus>("?work=9")).toEqual({
      status: "rejected",
      reason: expect.stringMatching(/not a decodable image/),
    });
    const bad = await fetch(`${ponder.url}/embeddings?first=0`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: expect.stringMatching(/first 0/),
      hint: expect.any(String),
    });
  });

  it("more like this ranks by the served embeddings, and by perceptual hash for a work still pending", async () => {
    const queries = createQueries({ kind: "ponder", url: `${ponder.url}/graphql` });
    const related = await loadRelatedWorks(queries);
    const suggestions = related.forWork(1n, { limit: 8 });
    const byEmbedding = suggestions.filter((s) => /^looks similar \(\d\.\d\d\)$/.test(s.reasons[0] ?? ""));
    // Works 2 and 3 are the same prompt as work 1 (the art fixtures: same prompt, other seeds).
    expect([2n, 3n]).toContain(byEmbedding[0]?.workId);
    expect(byEmbedding.map((s) => s.workId)).toEqual(expect.arrayContaining([2n, 3n, 4n, 5n, 6n]));
    const pending = suggestions.find((s) => s.workId === 7n);
    expect(pending?.reasons[0]).toBe("looks similar (1.00, perceptual hash)");
    // Loading again through the same queries refreshes the same instance (vectors kept, none re-read).
    expect(await loadRelatedWorks(queries)).toBe(related);
    expect(related.forWork(1n, { limit: 8 })).toEqual(suggestions);
  });

  it("a restarted indexer loads the stored embeddings instead of recomputing them", async () => {
    const before = (await loadRelatedWorks(createQueries({ kind: "ponder", url: `${ponder.url}/graphql` })))
      .forWork(4n, { limit: 5 })
      .map((s) => s.workId);
    await ponder.stop();
    ponder = await startPonder({ rpcUrl: chain.rpcUrl, deployment, dataDir, blockstoreDir, env: NICE });
    const counts = await waitFor((c) => c.ok >= 6 && c.rejected >= 2);
    expect(counts).toMatchObject({ ok: 6, stored: 6, computed: 0 });
    const after = (await loadRelatedWorks(createQueries({ kind: "ponder", url: `${ponder.url}/graphql` })))
      .forWork(4n, { limit: 5 })
      .map((s) => s.workId);
    expect(after).toEqual(before);
  }, 600_000);
});
