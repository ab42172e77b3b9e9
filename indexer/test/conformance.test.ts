import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEther, type Address } from "viem";
import { abis } from "@atelier/protocol";
import { ENTITIES, FILE_TEMPLATES } from "@atelier/subgraph/manifest";
import { deployAtelier, startHardhatNode } from "@atelier/devchain";
import { devClients } from "@atelier/devchain/test-support";
import { ACCOUNTS, HOSTILE } from "@atelier/devchain/scenario";
import { dailyRollup } from "@atelier/subgraph/host";
import {
  comparedTypes,
  contractWitness,
  ponderDailyRollups,
  type Tables,
} from "../test-support/conformance.ts";
import { startPonder, type RunningPonder } from "../test-support/ponder.ts";
import {
  indexScenario,
  startPonderOn,
  startScenarioStack,
  type ScenarioStack,
} from "../test-support/stack.ts";

describe("conformance: subgraph (WASM) and Ponder (PGlite) on one scripted scenario", () => {
  let stack: ScenarioStack;
  let ponder: RunningPonder;
  let dataDir: string;
  let ponderRows: Tables;

  beforeAll(async () => {
    stack = await startScenarioStack();
    dataDir = await mkdtemp(path.join(tmpdir(), "atelier-ponder-data-"));
    ({ ponder, rows: ponderRows } = await indexScenario(stack, { dataDir }));
  });

  afterAll(async () => {
    await ponder?.stop();
    await stack?.chain.stop();
  });

  it("indexes every entity type of the scenario", () => {
    // Every entity the manifest declares, and the metadata the file template writes.
    for (const type of [...ENTITIES, ...FILE_TEMPLATES.map((t) => t.name)]) {
      expect(Object.keys(stack.host.entities(type)).length, type).toBeGreaterThan(0);
    }
  });

  it("both indexers hold the same entities, field by field", () => {
    for (const { name } of comparedTypes(stack.types)) {
      expect(ponderRows[name], name).toEqual(stack.subgraph[name]);
    }
  });

  it("agree on daily sales and job counts (subgraph timeseries rolled up as graph-node does)", async () => {
    const daily = await ponderDailyRollups(ponder);
    expect(daily.sales).toEqual(dailyRollup(stack.host.entities("LicenseSale"), "currency", "price"));
    expect(daily.jobs).toEqual(dailyRollup(stack.host.entities("JobStatusPoint"), "status"));
    expect(daily.sales.reduce((n, r) => n + r.count, 0)).toBe(Object.keys(stack.subgraph.License!).length);
  });

  it("and both agree with the contracts' views at the end (third witness)", async () => {
    expect(await contractWitness(stack.chain.rpcUrl, stack.deployment, stack.subgraph)).toEqual([]);
    expect(await contractWitness(stack.chain.rpcUrl, stack.deployment, ponderRows)).toEqual([]);
  });

  it("serves hostile strings through GraphQL as data, intact", async () => {
    const data = await ponder.graphql<{
      flagChanges: { items: { reason: string }[] };
      workMetadatas: { items: { name: string | null }[] };
    }>(`{ flagChanges { items { reason } } workMetadatas(limit: 100) { items { name } } }`);
    expect(data.flagChanges.items[0]!.reason).toBe(HOSTILE.script);
    const names = data.workMetadatas.items.map((m) => m.name);
    expect(names).toContain(`Dunes ${HOSTILE.script}`);
    expect(names).toContain(HOSTILE.long);
  });

  it("keeps missing metadata pending and rejects oversized metadata with a reason", async () => {
    const data = await ponder.graphql<{
      workMetadatas: { items: { id: string; status: string; reason: string | null }[] };
    }>(`{ workMetadatas(limit: 100) { items { id status reason } } }`);
    const byId = Object.fromEntries(data.workMetadatas.items.map((m) => [m.id, m]));
    for (const cid of stack.scenario.missingCids) expect(byId[cid]!.status).toBe("pending");
    expect(byId[stack.scenario.oversizedCid]).toMatchObject({
      status: "rejected",
      reason: expect.stringMatching(/^oversized/),
    });
  });

  it("indexes the licence texts the terms name: title and plain-language summary, a missing one pending", async () => {
    const data = await ponder.graphql<{
      termss: { items: { id: string; legalText: string | null }[] };
      legalTexts: { items: { id: string; status: string; title: string | null; summary: string | null }[] };
    }>(`{ termss { items { id legalText } } legalTexts { items { id status title summary } } }`);
    const texts = Object.fromEntries(data.legalTexts.items.map((t) => [t.id, t]));
    expect(data.termss.items.every((t) => t.legalText !== null)).toBe(true);
    const commercial = texts[stack.legalTexts.get("commercial")!]!;
    expect(commercial).toMatchObject({ status: "ok", title: "Atelier Commercial Licence, v1" });
    expect(commercial.summary!.split("\n")[0]).toMatch(/^You may use the Work commercially/);
    expect(texts[stack.legalTexts.get(stack.missingLegalText)!]!.status).toBe("pending");
    // The subgraph's file data source wrote the same (compared field by field above), and nothing for the missing one.
    expect(stack.host.entities("LegalText")[stack.legalTexts.get(stack.missingLegalText)!]).toBeUndefined();
  });

  it("resumes after a restart without losing or double-counting events", async () => {
    await ponder.stop();
    const brand = devClients(stack.chain.rpcUrl).wallet(ACCOUNTS.brand);
    const hash = await brand.writeContract({
      address: stack.deployment.contracts.Licenses as Address,
      abi: abis.Licenses,
      functionName: "buyLicense",
      args: [4n, 1n, ACCOUNTS.brand.address, parseEther("0.01")],
      value: parseEther("0.01"),
    });
    const receipt = await stack.client.waitForTransactionReceipt({ hash });
    ponder = await startPonderOn(stack, { dataDir });
    await ponder.waitForBlock(receipt.blockNumber);
    const data = await ponder.graphql<{ work: { licensesSold: number }; licenses: { totalCount: number } }>(
      `{ work(id: "4") { licensesSold } licenses { totalCount } }`,
    );
    expect(data.work.licensesSold).toBe(1);
    expect(data.licenses.totalCount).toBe(stack.scenario.licenseIds.length + 1);
  });

  it("never mixes a restarted chain (new genesis, same chain id) with the old index", async () => {
    await ponder.stop();
    await stack.chain.stop();
    const chain = await startHardhatNode();
    try {
      const deployment = await deployAtelier({ rpcUrl: chain.rpcUrl });
      expect(deployment.chainId).toBe(stack.deployment.chainId);
      ponder = await startPonder({
        rpcUrl: chain.rpcUrl,
        deployment,
        dataDir,
        blockstoreDir: stack.blockstoreDir,
      });
      const { client } = devClients(chain.rpcUrl);
      await ponder.waitForBlock(await client.getBlockNumber());
      const data = await ponder.graphql<{ works: { totalCount: number }; termss: { totalCount: number } }>(
        `{ works { totalCount } termss { totalCount } }`,
      );
      expect(data.works.totalCount).toBe(0);
      expect(data.termss.totalCount).toBe(5);
    } finally {
      await ponder.stop();
      await chain.stop();
    }
  });
});
