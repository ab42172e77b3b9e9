import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPublicClient, http, type Address, type PublicClient } from "viem";
import type { Deployment } from "@atelier/protocol";
import { deployAtelier, startHardhatNode, type RunningChain } from "@atelier/devchain";
import { ACCOUNTS, HOSTILE, runScenario, type ScenarioResult } from "@atelier/devchain/scenario";
import { dailyRollup, logsForHost, SubgraphHost } from "../test-host/index.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const BUILD = path.join(ROOT, "build");
const lower = (a: Address) => a.toLowerCase();

describe("subgraph mappings (built WASM) on a scripted scenario", () => {
  let chain: RunningChain;
  let deployment: Deployment;
  let scenario: ScenarioResult;
  let host: SubgraphHost;

  beforeAll(async () => {
    if (!existsSync(path.join(BUILD, "Works/Works.wasm"))) {
      throw new Error("subgraph/build is missing: run `npm run -w @atelier/subgraph build` (npm test does)");
    }
    chain = await startHardhatNode();
    deployment = await deployAtelier({ rpcUrl: chain.rpcUrl });
    scenario = await runScenario(chain.rpcUrl, deployment);
    const client = createPublicClient({ transport: http(chain.rpcUrl) }) as PublicClient;
    host = await SubgraphHost.load({
      buildDir: BUILD,
      schemaFile: path.join(ROOT, "schema.graphql"),
      contracts: deployment.contracts,
    });
    const logs = await logsForHost(
      client,
      Object.values(deployment.contracts),
      BigInt(deployment.startBlock),
      scenario.toBlock,
    );
    for (const log of logs) host.handleLog(log);
    await host.processFiles(async (cid) =>
      cid === scenario.oversizedCid ? scenario.metadata.get(cid)?.bytes : scenario.metadata.get(cid)?.bytes,
    );
  });

  afterAll(async () => {
    await chain?.stop();
  });

  it("records uploads, the derivatives with the licence behind each parent, and generated works with model, node and seed", () => {
    const works = host.entities("Work");
    expect(Object.keys(works).sort()).toEqual(["1", "2", "3", "4", "5", "6"]);
    expect(works["1"]).toMatchObject({
      source: "upload",
      creator: lower(ACCOUNTS.creatorA.address),
      owner: lower(ACCOUNTS.creatorB.address),
      depth: 0,
      licensesSold: 4,
      salesPaused: true,
    });
    expect(BigInt(works["1"]!.watermarkId as string)).toBeGreaterThan(0n);
    expect(works["2"]).toMatchObject({ flagged: true, exclusiveSold: true, licensesSold: 1 });
    expect(works["3"]).toMatchObject({ depth: 1, creator: lower(ACCOUNTS.brand.address) });
    const remix = ((1n << 64n) | (2n << 32n) | 1n).toString();
    expect(host.entities("WorkParent")["3-0"]).toMatchObject({
      child: "3",
      parent: "1",
      shareBps: 1000,
      license: remix,
    });
    expect(works["4"]).toMatchObject({
      source: "generated",
      job: "1",
      model: "1",
      node: lower(ACCOUNTS.node.address),
    });
    expect(works["4"]!.seed).toEqual(host.entities("Job")["1"]!.seed);
    expect(works["4"]!.seed).toBeDefined();
    expect(BigInt(works["4"]!.watermarkId as string)).toBe((1n << 55n) | 1n);
    expect(works["5"]).toMatchObject({
      source: "generated",
      job: "2",
      depth: 1,
      creator: lower(ACCOUNTS.brand.address),
    });
    expect(host.entities("WorkParent")["5-0"]).toMatchObject({ parent: "1", license: remix });
    expect(host.entities("JobParent")["2-0"]).toMatchObject({ job: "2", parent: "1", license: remix });
  });

  it("counts offer sales, keeps the licence fields and the private redemption / cancellation", () => {
    const offers = host.entities("Offer");
    expect(offers["1-1"]).toMatchObject({ sold: 2, active: true });
    expect(offers["3-1"]).toMatchObject({ sold: 1, active: false });
    const licenses = host.entities("License");
    expect(Object.keys(licenses)).toHaveLength(scenario.licenseIds.length);
    const privateId = ((1n << 64n) | 1n).toString();
    expect(licenses[privateId]).toMatchObject({ isPrivate: true, licensee: lower(ACCOUNTS.brand2.address) });
    expect(licenses[privateId]!.offer).toBeUndefined();
    expect(Object.values(host.entities("PrivateOfferRedemption"))).toEqual([
      expect.objectContaining({ nonce: "7", license: privateId }),
    ]);
    expect(Object.values(host.entities("PrivateOfferCancellation"))).toEqual([
      expect.objectContaining({ nonce: "8" }),
    ]);
    expect(Object.values(host.entities("RevenueShare"))).toEqual([
      expect.objectContaining({ ancestorWork: "1" }),
    ]);
  });

  it("follows every job's status history, reopenings, the late release's forfeit and the slash", () => {
    const jobs = host.entities("Job");
    expect(Object.fromEntries(Object.entries(jobs).map(([id, j]) => [id, j.status]))).toEqual({
      "1": "fulfilled",
      "2": "fulfilled",
      "3": "cancelled",
      "4": "expired",
    });
    const history = (job: string) => Object.values(host.entities("JobEvent")).filter((e) => e.job === job);
    expect(history("3").map((e) => e.status)).toEqual(["requested", "claimed", "released", "cancelled"]);
    expect(history("3")[2]).toMatchObject({ reasonCode: 1, forfeit: "0" });
    expect(history("4").map((e) => e.status)).toEqual([
      "requested",
      "claimed",
      "released",
      "claimed",
      "expired",
    ]);
    expect(BigInt(history("4")[2]!.forfeit as string)).toBeGreaterThan(0n);
    const node = host.entities("Node")[lower(ACCOUNTS.node.address)]!;
    expect(node).toMatchObject({
      jobsClaimed: 4,
      jobsFulfilled: 2,
      jobsReleased: 2,
      jobsExpired: 0,
      endpoint: `https://node.example/${HOSTILE.script}`,
    });
    expect(BigInt(node.forfeited as string)).toBeGreaterThan(0n);
    const node2 = host.entities("Node")[lower(ACCOUNTS.node2.address)]!;
    expect(node2).toMatchObject({ jobsClaimed: 1, jobsExpired: 1 });
    expect(BigInt(node2.slashed as string)).toBeGreaterThan(0n);
  });

  it("stores hostile strings as data, intact (invalid UTF-8 replaced, never dropped)", () => {
    expect(host.entities("FlagChange")).toSatisfy(
      (f: Record<string, { reason: string }>) => Object.values(f)[0]!.reason === HOSTILE.script,
    );
    const prompt = host.entities("Job")["1"]!.prompt as string;
    expect(prompt.startsWith(HOSTILE.bidi)).toBe(true);
    expect(prompt).toContain("\uFFFD");
    const meta = host.entities("WorkMetadata");
    const work1 = host.entities("Work")["1"]!;
    expect(meta[work1.metadata as string]).toMatchObject({
      name: `Dunes ${HOSTILE.script}`,
      description: HOSTILE.bidi,
    });
    const work2 = host.entities("Work")["2"]!;
    expect((meta[work2.metadata as string]!.name as string).length).toBe(HOSTILE.long.length);
    expect(meta[host.entities("Work")["4"]!.metadata as string]).toMatchObject({ prompt: HOSTILE.bidi });
  });

  it("leaves missing metadata pending and does not parse oversized metadata", () => {
    const pending = host.files
      .filter((f) => f.template === "WorkMetadata" && f.status === "pending")
      .map((f) => f.cid);
    expect(pending).toEqual(scenario.missingCids);
    const oversized = host.entities("WorkMetadata")[scenario.oversizedCid];
    expect(oversized).toBeDefined();
    expect(oversized!.name).toBeUndefined();
  });

  it("creates a file data source per licence text the terms name, and parses title and summary", async () => {
    const terms = Object.values(host.entities("Terms"));
    const texts = host.files.filter((f) => f.template === "LegalText");
    expect(texts.map((f) => f.cid).sort()).toEqual(terms.map((t) => t.legalText as string).sort());
    expect(terms.every((t) => t.legalTextUri === `ipfs://${t.legalText as string}`)).toBe(true);
    const commercial = readFileSync(path.join(ROOT, "../contracts/terms/commercial/v1.md"));
    const cid = terms.find((t) => t.id === "2")!.legalText as string;
    await host.processFiles(async (c) => (c === cid ? commercial : undefined));
    expect(host.entities("LegalText")[cid]).toMatchObject({
      title: "Atelier Commercial Licence, v1",
      summary: expect.stringMatching(
        /^You may use the Work commercially[^\n]*\nYou must credit the creator\./,
      ),
      size: commercial.length,
    });
  });

  it("credits and withdrawals add up per contract and currency", () => {
    const credits = Object.values(host.entities("Credit"));
    for (const c of credits)
      expect(BigInt(c.credited as string) - BigInt(c.withdrawn as string)).toBe(BigInt(c.balance as string));
    const nodeCredit = credits.find(
      (c) => c.contract === "GenerationMarket" && c.account === lower(ACCOUNTS.node.address),
    )!;
    expect(nodeCredit.balance).toBe("0");
    expect(Object.values(host.entities("Withdrawal"))).toHaveLength(2);
    expect(Object.values(host.entities("FeeChange")).map((f) => f.newFeeBps)).toContain(300);
  });

  it("writes a timeseries point per licence sale and per job status change (daily sales and job counts)", () => {
    const licenses = Object.values(host.entities("License"));
    const sales = host.entities("LicenseSale");
    expect(Object.keys(sales).sort((a, b) => Number(a) - Number(b))).toEqual(
      licenses.map((_, i) => String(i + 1)),
    );
    // The rollup graph-node would compute equals the licences grouped by day and currency.
    const byDay = new Map<string, { count: number; sum: bigint }>();
    for (const l of licenses) {
      const day = Math.floor(Number(l.start) / 86_400) * 86_400;
      const key = `${day}|${String(l.currency)}`;
      const row = byDay.get(key) ?? { count: 0, sum: 0n };
      byDay.set(key, { count: row.count + 1, sum: row.sum + BigInt(String(l.price)) });
    }
    const rolled = dailyRollup(sales, "currency", "price");
    expect(rolled.reduce((n, r) => n + r.count, 0)).toBe(licenses.length);
    for (const r of rolled)
      expect(byDay.get(`${r.day}|${r.dimension}`)).toEqual({ count: r.count, sum: r.sum });

    const jobEvents = Object.values(host.entities("JobEvent"));
    const points = dailyRollup(host.entities("JobStatusPoint"), "status");
    // summed over days: a scenario run near midnight UTC puts one status's points on two days
    const statuses: Record<string, number> = {};
    for (const p of points) statuses[String(p.dimension)] = (statuses[String(p.dimension)] ?? 0) + p.count;
    const expected: Record<string, number> = {};
    for (const e of jobEvents) expected[String(e.status)] = (expected[String(e.status)] ?? 0) + 1;
    expect(statuses).toEqual(expected);
    expect(statuses.fulfilled).toBeGreaterThan(0);
  });
});
