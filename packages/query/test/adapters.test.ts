import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startPonder,
  startScenarioStack,
  settleMetadata,
  type RunningPonder,
  type ScenarioStack,
} from "@atelier/indexer/test-support";
import { ACCOUNTS, HOSTILE } from "@atelier/indexer/scenario";
import { createQueries, loadNearMatchIndex, RIGHTS, type ProvenanceQueries } from "../src/index.ts";
import { startGraphNodeDialect } from "../test-support/graph-node-dialect.ts";

const json = (v: unknown) => JSON.parse(JSON.stringify(v, (_, x) => (typeof x === "bigint" ? `${x}n` : x)));

describe("query layer: the Ponder adapter and the subgraph adapter return the same results", () => {
  let stack: ScenarioStack;
  let ponder: RunningPonder;
  let graphNode: { url: string; stop(): Promise<void> };
  let viaPonder: ProvenanceQueries;
  let viaSubgraph: ProvenanceQueries;

  beforeAll(async () => {
    stack = await startScenarioStack();
    ponder = await startPonder({
      rpcUrl: stack.chain.rpcUrl,
      deployment: stack.deployment,
      blockstoreDir: stack.blockstoreDir,
    });
    await ponder.waitForBlock(stack.scenario.toBlock);
    await settleMetadata(stack, ponder, stack.scenario.missingCids.length);
    graphNode = await startGraphNodeDialect(stack.types, (t) => stack.host.entities(t));
    viaPonder = createQueries({ kind: "ponder", url: `${ponder.url}/graphql` });
    viaSubgraph = createQueries({ kind: "subgraph", url: graphNode.url });
  });

  afterAll(async () => {
    await ponder?.stop();
    await graphNode?.stop();
    await stack?.chain.stop();
  });

  const both = async <T>(call: (q: ProvenanceQueries) => Promise<T>) => {
    const [a, b] = await Promise.all([call(viaPonder), call(viaSubgraph)]);
    expect(json(a)).toEqual(json(b));
    return a;
  };

  it("lists works with filters and cursor pagination", async () => {
    const all = await both((q) => q.listWorks({}, { first: 100 }));
    expect(all.items.map((w) => w.id)).toEqual(["1", "2", "3", "4", "5"]);
    const page1 = await both((q) => q.listWorks({}, { first: 2 }));
    expect(page1.items.map((w) => w.id)).toEqual(["1", "2"]);
    const page2 = await both((q) => q.listWorks({}, { first: 2, after: page1.next! }));
    expect(page2.items.map((w) => w.id)).toEqual(["3", "4"]);
    const page3 = await both((q) => q.listWorks({}, { first: 2, after: page2.next! }));
    expect(page3).toMatchObject({ next: null });
    expect((await both((q) => q.listWorks({ source: "generated" }))).items.map((w) => w.id)).toEqual(["4"]);
    expect(
      (await both((q) => q.listWorks({ creator: ACCOUNTS.creatorA.address }))).items.map((w) => w.id),
    ).toEqual(["1", "2", "4"]);
    expect((await both((q) => q.listWorks({ rights: RIGHTS.aiTraining }))).items.map((w) => w.id)).toEqual([
      "2",
    ]);
    expect(
      (await both((q) => q.listWorks({ rights: RIGHTS.commercial | RIGHTS.derivatives }))).items.map(
        (w) => w.id,
      ),
    ).toEqual(["1"]);
    // Work 2's 0.05 ETH exclusive offer is sold out, so only work 1's 0.02 ETH remix offer qualifies.
    expect(
      (await both((q) => q.listWorks({ minPrice: 20_000_000_000_000_000n }))).items.map((w) => w.id),
    ).toEqual(["1"]);
    expect((await both((q) => q.listWorks({ available: true }))).items.map((w) => w.id)).toEqual(["4"]);
    expect((await both((q) => q.listWorks({ available: false }))).items.map((w) => w.id)).toEqual([
      "1",
      "2",
      "3",
      "5",
    ]);
  });

  it("looks works up by watermark id and content hash", async () => {
    const work = await both((q) => q.workByWatermark((1n << 55n) | 1n));
    expect(work?.id).toBe("4");
    expect((await both((q) => q.workByContentHash(work!.contentHash)))?.id).toBe("4");
    expect(await both((q) => q.workByWatermark(999n))).toBeNull();
  });

  it("gives a work's provenance timeline, an account's activity, nodes and models with success rates", async () => {
    const provenance = await both((q) => q.provenance(1n));
    expect(provenance!.timeline.map((e) => e.kind)).toEqual([
      "minted",
      "license",
      "license",
      "license",
      "transfer",
      "license",
    ]);
    const generated = await both((q) => q.provenance(4n));
    expect(generated!.timeline.filter((e) => e.kind === "job").map((e) => e.detail.status)).toEqual([
      "requested",
      "claimed",
      "fulfilled",
    ]);
    const brand = await both((q) => q.account(ACCOUNTS.brand.address));
    expect(brand.licenses).toHaveLength(3);
    expect(brand.worksCreated.map((w) => w.id)).toEqual(["3"]);
    const [node] = await both((q) => q.nodes());
    expect(node).toMatchObject({ jobsFulfilled: 1, jobsRejected: 1, jobsExpired: 1, successRate: 1 / 3 });
    expect(await both((q) => q.models())).toEqual([
      expect.objectContaining({ name: "cppn-v1", jobs: 4, fulfilled: 1 }),
    ]);
  });

  it("searches titles, descriptions and prompts, hostile text included", async () => {
    expect((await both((q) => q.search("Dunes"))).map((w) => w.id)).toEqual(["1"]);
    expect((await both((q) => q.search("<script>"))).map((w) => w.id)).toEqual(["1"]);
    expect((await both((q) => q.search(HOSTILE.bidi.slice(0, 8)))).map((w) => w.id)).toEqual(["1", "4"]);
    await expect(viaPonder.search("  ")).rejects.toThrow(/empty search text/);
  });

  it("builds the near-match index through either adapter and finds a re-encoded copy", async () => {
    for (const q of [viaPonder, viaSubgraph]) {
      const index = await loadNearMatchIndex(q);
      expect(index.size).toBe(5);
      const matches = index.search(0xf0f0f0f0f0f0f0f1n, 4, 5);
      expect(matches[0]).toEqual({ workId: 4n, distance: 1 });
    }
  });

  it("names the problem when the index is unreachable or the kind unknown", async () => {
    await expect(
      createQueries({ kind: "ponder", url: "http://127.0.0.1:1/graphql" }).listWorks(),
    ).rejects.toThrow(/cannot reach the index/);
    expect(() => createQueries({ kind: "graph" as never, url: "x" })).toThrow(/unknown index kind/);
  });
});
