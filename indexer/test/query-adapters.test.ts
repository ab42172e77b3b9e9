import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startPonder,
  startScenarioStack,
  settleMetadata,
  type RunningPonder,
  type ScenarioStack,
} from "../test-support/index.ts";
import { ACCOUNTS, HOSTILE } from "@atelier/devchain/scenario";
import {
  createQueries,
  loadNearMatchIndex,
  loadRelatedWorks,
  RIGHTS,
  type ProvenanceQueries,
} from "@atelier/query";
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
    const ids = async (filter: Parameters<ProvenanceQueries["listWorks"]>[0]) =>
      (await both((q) => q.listWorks(filter, { first: 100 }))).items.map((w) => w.id);
    expect(await ids({})).toEqual(["1", "2", "3", "4", "5", "6"]);
    const page1 = await both((q) => q.listWorks({}, { first: 2 }));
    expect(page1.items.map((w) => w.id)).toEqual(["1", "2"]);
    const page2 = await both((q) => q.listWorks({}, { first: 2, after: page1.next! }));
    expect(page2.items.map((w) => w.id)).toEqual(["3", "4"]);
    const page3 = await both((q) => q.listWorks({}, { first: 4, after: page2.next! }));
    expect(page3).toMatchObject({ next: null });
    expect(page3.items.map((w) => w.id)).toEqual(["5", "6"]);
    expect(await ids({ source: "generated" })).toEqual(["4", "5"]);
    expect(await ids({ creator: ACCOUNTS.creatorA.address })).toEqual(["1", "2", "4"]);
    // Work 2's exclusive offer (which grants AI training) is sold out; work 6 offers AI training.
    expect(await ids({ rights: RIGHTS.aiTraining })).toEqual(["6"]);
    expect(await ids({ rights: RIGHTS.commercial | RIGHTS.derivatives })).toEqual(["1", "5"]);
    // Only work 1's 0.02 ETH remix offer is at or above 0.02 ETH and not sold out.
    expect(await ids({ minPrice: 20_000_000_000_000_000n })).toEqual(["1"]);
    // 1: sales paused; 2: flagged and sold exclusively; 3: its only offer deactivated.
    expect(await ids({ available: true })).toEqual(["4", "5", "6"]);
    expect(await ids({ available: false })).toEqual(["1", "2", "3"]);
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
    expect(brand.worksCreated.map((w) => w.id)).toEqual(["3", "5"]);
    const nodes = Object.fromEntries((await both((q) => q.nodes())).map((n) => [n.id, n]));
    expect(nodes[ACCOUNTS.node.address.toLowerCase()]).toMatchObject({
      jobsFulfilled: 2,
      jobsExpired: 0,
      successRate: 1,
    });
    expect(nodes[ACCOUNTS.node2.address.toLowerCase()]).toMatchObject({
      jobsFulfilled: 0,
      jobsExpired: 1,
      successRate: 0,
    });
    expect(await both((q) => q.models())).toEqual([
      expect.objectContaining({ name: "cppn-v1", jobs: 4, fulfilled: 2 }),
    ]);
  });

  it("searches titles, descriptions and prompts in full text, ranked, hostile text included", async () => {
    const ids = async (text: string) => (await both((q) => q.search(text))).map((w) => w.id);
    // Stemmed: "dunes" finds the titles "Dunes …", "A generated dune", "Night dunes".
    expect((await ids("dunes")).sort()).toEqual(["1", "4", "5"]);
    // Ranked: a title match (work 4) before a description match (work 5).
    expect(await ids("generated")).toEqual(["4", "5"]);
    expect(await ids("remix work")).toEqual(["5"]);
    // Markup and bidi controls are data: the hostile title still matches on its word "Dunes" above;
    // a word glued to a control character is one token to Postgres' parser (not found as "isolated").
    expect(await ids(HOSTILE.bidi)).toEqual([]);
    // Every word required; tsquery operators in the text are not operators.
    expect(await ids("dunes exclusive")).toEqual([]);
    expect(await ids("exclusive | dunes")).toEqual([]);
    expect(await ids("exclusive")).toEqual(["2"]);
    await expect(viaPonder.search("  <> ")).rejects.toThrow(/has no words/);
  });

  it("builds the near-match index through either adapter and finds a re-encoded copy", async () => {
    for (const q of [viaPonder, viaSubgraph]) {
      const index = await loadNearMatchIndex(q);
      expect(index.size).toBe(6);
      const matches = index.search(0xf0f0f0f0f0f0f0f1n, 4, 5);
      expect(matches[0]).toEqual({ workId: 4n, distance: 1 });
    }
  });

  it("reads a work page's details: metadata of many works, offers, terms, derivatives, its job", async () => {
    const works = (await both((q) => q.listWorks({}, { first: 100 }))).items;
    const cids = works.map((w) => w.metadataCid);
    const [viaP, viaS] = await Promise.all([viaPonder.metadataOf(cids), viaSubgraph.metadataOf(cids)]);
    // Ponder keeps a row for metadata it could not fetch or refused (pending / rejected, with a
    // reason); graph-node stores a file data source's entity only once fetched, so: the ok ones.
    // (The subgraph keeps an empty entity where the JSON was unusable.) Where Ponder has it, both agree.
    const ok = [...viaP.values()].filter((m) => m.status === "ok");
    expect(json(ok.map((m) => viaS.get(m.cid)))).toEqual(json(ok));
    expect(ok.map((m) => m.name)).toContain("Night dunes");
    expect([...viaP.values()].find((m) => m.status === "rejected")?.reason).toBeTruthy();

    const offers = await both((q) => q.offersOf("1"));
    expect(offers.map((o) => o.termsId)).toEqual(["2", "3"]);
    const terms = await both(async (q) => [...(await q.termsById(offers.map((o) => o.termsId))).values()]);
    expect(terms.find((t) => t.id === "3")).toMatchObject({ commercialUse: true, derivativesAllowed: true });
    // Work 3 is an uploaded derivative of work 1, work 5 a generated remix of it.
    expect(await both((q) => q.derivativesOf("1"))).toEqual([
      { child: "3", shareBps: 1000 },
      { child: "5", shareBps: 1000 },
    ]);

    const generated = works.find((w) => w.id === "5")!;
    const job = await both((q) => q.job(generated.job!));
    expect(job).toMatchObject({
      status: "fulfilled",
      work: "5",
      requester: ACCOUNTS.brand.address.toLowerCase(),
    });
    expect(await both((q) => q.job("999"))).toBeNull();
  });

  it("pages works newest first, filtered, with a cursor", async () => {
    const page1 = await both((q) => q.newestWorks({}, { first: 4 }));
    expect(page1.items.map((w) => w.id)).toEqual(["6", "5", "4", "3"]);
    const page2 = await both((q) => q.newestWorks({}, { first: 4, before: page1.next! }));
    expect(page2).toMatchObject({ next: null });
    expect(page2.items.map((w) => w.id)).toEqual(["2", "1"]);
    const mine = await both((q) => q.newestWorks({ creator: ACCOUNTS.creatorA.address }));
    expect(mine.items.map((w) => w.id)).toEqual(["4", "2", "1"]);
    await expect(viaPonder.newestWorks({}, { first: 0 })).rejects.toThrow(/not positive/);
  });

  it("gives nodes' endpoints, served models and earnings, and models' weights", async () => {
    const nodes = Object.fromEntries((await both((q) => q.nodeDetails())).map((n) => [n.id, n]));
    const node = nodes[ACCOUNTS.node.address.toLowerCase()]!;
    // The endpoint is chain text, returned as data (it carries a script tag).
    expect(node.endpoint).toContain(HOSTILE.script);
    expect(node.models).toEqual(["1"]);
    expect(node.unbonding).toBeGreaterThan(0n);
    // Paid for two fulfilled jobs; the second node only claimed one that expired.
    expect(node.earnedWei).toBeGreaterThan(0n);
    expect(nodes[ACCOUNTS.node2.address.toLowerCase()]!.earnedWei).toBe(0n);
    const models = await both((q) => q.modelDetails());
    expect(models).toEqual([
      { id: "1", weightsHash: expect.stringMatching(/^0x[0-9a-f]{64}$/), deterministic: true },
    ]);
  });

  it("ranks more like this from the index, filtered by rights, with reasons", async () => {
    const features = await both((q) => q.relatedFeatures());
    expect(features.works).toHaveLength(6);
    expect(features.licenses.length).toBeGreaterThan(0);
    const related = await loadRelatedWorks(viaSubgraph);
    const forOne = related.forWork(1n);
    expect(forOne.map((s) => s.workId)).not.toContain(1n);
    expect(forOne.every((s) => s.reasons.length > 0 || s.score > 0)).toBe(true);
    // Work 6 offers AI training; work 2's exclusive offer (AI training too) is sold out: no rights left.
    const rightsOf = new Map(features.works.map((w) => [w.workId, w.rights]));
    expect(rightsOf.get(6n)! & RIGHTS.aiTraining).toBe(RIGHTS.aiTraining);
    expect(rightsOf.get(2n)).toBe(0);
    const unfiltered = related.forWork(5n, { limit: 10 });
    const ai = related.forWork(5n, { limit: 10, requireRights: RIGHTS.aiTraining });
    expect(unfiltered.some((s) => (rightsOf.get(s.workId)! & RIGHTS.aiTraining) === 0)).toBe(true);
    expect(ai.every((s) => (rightsOf.get(s.workId)! & RIGHTS.aiTraining) !== 0)).toBe(true);
  });

  it("reads the licence texts the terms name, and the daily sales and job figures, the same from both", async () => {
    const terms = await both(async (q) => [...(await q.termsById(["1", "2", "3", "4", "5"])).values()]);
    const cids = terms.map((t) => t.legalText).filter((c): c is string => c !== null);
    expect(cids).toHaveLength(5);
    const sorted = (m: Map<string, unknown>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
    const [fromPonder, fromSubgraph] = [await viaPonder.legalTexts(cids), await viaSubgraph.legalTexts(cids)];
    const missing = stack.legalTexts.get(stack.missingLegalText)!;
    // Ponder keeps the text it cannot fetch as pending; graph-node has no entity until the file arrives.
    expect(fromPonder.get(missing)?.status).toBe("pending");
    expect(fromSubgraph.has(missing)).toBe(false);
    fromPonder.delete(missing);
    expect(json(sorted(fromPonder))).toEqual(json(sorted(fromSubgraph)));
    const commercial = fromSubgraph.get(stack.legalTexts.get("commercial")!)!;
    expect(commercial.title).toBe("Atelier Commercial Licence, v1");
    expect(commercial.summary).toMatch(/^You may use the Work commercially/);

    const sales = await both((q) => q.dailySales());
    expect(sales.reduce((n, r) => n + r.count, 0)).toBe(Object.keys(stack.subgraph.License!).length);
    expect(sales.every((r) => r.volume > 0n && r.day % 86_400 === 0)).toBe(true);
    const jobs = await both((q) => q.dailyJobs());
    expect(jobs.map((r) => r.status)).toEqual(expect.arrayContaining(["requested", "fulfilled"]));
    const firstDay = sales[0]!.day;
    expect(await both((q) => q.dailySales({ fromDay: firstDay, toDay: firstDay }))).toEqual(
      sales.filter((r) => r.day === firstDay),
    );
    expect(await both((q) => q.dailySales({ fromDay: firstDay + 400 * 86_400 }))).toEqual(
      sales.filter((r) => r.day >= firstDay + 400 * 86_400),
    );
  });

  it("answers the same over Ponder's POST /list (SQL) as over its GraphQL, and explains bad lists", async () => {
    const viaGraphql = createQueries({
      kind: "ponder",
      url: `${ponder.url}/graphql`,
      ponderTransport: "graphql",
    });
    const same = async <T>(call: (q: ProvenanceQueries) => Promise<T>) =>
      expect(json(await call(viaPonder))).toEqual(json(await call(viaGraphql)));
    await same((q) => q.listWorks({}, { first: 100 }));
    await same((q) => q.listWorks({ rights: RIGHTS.commercial, available: true }, { first: 2 }));
    await same((q) =>
      q.listWorks({ creator: ACCOUNTS.creatorA.address, maxPrice: 10n ** 17n }, { first: 100 }),
    );
    await same((q) => q.provenance(1n));
    await same((q) => q.account(ACCOUNTS.brand.address));
    await same((q) => q.nodes());
    const bad = async (requests: unknown) => {
      const response = await fetch(`${ponder.url}/list`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ requests }),
      });
      expect(response.status).toBe(400);
      return (await response.json()) as { error: string; hint: string };
    };
    expect((await bad([{ entity: "Nope", fields: ["id"], options: { first: 1 } }])).error).toMatch(
      /no entity "Nope"/,
    );
    expect((await bad([{ entity: "Work", fields: ["secret"], options: { first: 1 } }])).error).toMatch(
      /no field "secret"/,
    );
    expect((await bad([{ entity: "Work", fields: ["id"], options: { first: 5000 } }])).hint).toMatch(
      /cursor/,
    );
    expect(
      (await bad([{ entity: "Work", fields: ["id"], options: { first: 1, where: { "id; drop": 1 } } }]))
        .error,
    ).toMatch(/is not <field>/);
    expect((await bad([])).error).toMatch(/requests must be a list/);
  });

  it("names the problem when the index is unreachable or the kind unknown", async () => {
    await expect(
      createQueries({ kind: "ponder", url: "http://127.0.0.1:1/graphql" }).listWorks(),
    ).rejects.toThrow(/cannot reach the index/);
    expect(() => createQueries({ kind: "graph" as never, url: "x" })).toThrow(/unknown index kind/);
  });
});
