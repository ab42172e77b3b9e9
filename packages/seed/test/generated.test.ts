/**
 * The demo market's generated half on a real Hardhat node with a real generator node (the built-in art and
 * variation models, started in this process by test-support/node.ts, as the web e2e starts its node):
 * every planned job is requested, claimed and fulfilled by the node and minted to its requester, the
 * planned licence is sold on a generated work, the AI remix is minted as a derivative of the first
 * generated work, and a second run sends nothing (no job is requested twice, no licence bought twice).
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { abis } from "@atelier/protocol";
import { devAccount } from "@atelier/devchain";
import { registerBuiltinModel, startBuiltinNode } from "../test-support/node.ts";
import {
  ACCOUNTS,
  BUYERS,
  ensureToken,
  GENERATED_SALE,
  JOBS,
  seedGenerated,
  type SeedChain,
  type SeededWork,
  type Tally,
} from "../src/index.ts";
import { startLocalChain, type LocalChain } from "./local-chain.ts";

describe("seedGenerated on a local chain with a generator node", () => {
  let local: LocalChain;
  let chain: SeedChain;
  let generatorAddress: string;
  let token: `0x${string}`;
  let models: { art: number; variation: number };
  let first: { works: SeededWork[]; tally: Tally };
  const log: string[] = [];

  beforeAll(async () => {
    local = await startLocalChain();
    const { rpcUrl, deployment, dir } = local;
    chain = local.chain;
    const deploymentFile = path.join(dir, "deployment.json");
    await writeFile(deploymentFile, JSON.stringify(deployment));
    models = {
      art: await registerBuiltinModel(rpcUrl, deployment, "art"),
      variation: await registerBuiltinModel(rpcUrl, deployment, "art-variation"),
    };
    const generator = await startBuiltinNode({
      rpcUrl,
      deployment,
      deploymentFile,
      dataDir: path.join(dir, "node"),
      serve: [
        { id: models.art, model: "art" },
        { id: models.variation, model: "art-variation" },
      ],
    });
    local.onStop(generator.stop);
    generatorAddress = generator.address;
    // The uploaded half's first step: Test USD, which one job's offer is priced in.
    ({ token } = await ensureToken(chain, {
      deployer: ACCOUNTS.tokenDeployer,
      admin: ACCOUNTS.admin,
      holders: BUYERS,
    }));
    first = await seedGenerated({ chain, token, models, log: (line) => log.push(line) });
  }, 600_000);

  afterAll(() => local?.stop());

  const market = () => ({ address: chain.address("GenerationMarket"), abi: abis.GenerationMarket });
  const minted = async (workId: bigint) => {
    const [event] = await chain.client.getContractEvents({
      address: chain.address("Works"),
      abi: abis.Works,
      eventName: "WorkMinted",
      args: { workId },
      fromBlock: 0n,
    });
    return event!.args;
  };

  it("has every planned job fulfilled by the node, minted to its requester", async () => {
    expect(first.works.map((w) => w.key)).toEqual([...JOBS.map((j) => j.key), "variation"]);
    expect(first.tally).toEqual({ works: JOBS.length + 1, licences: 1, other: 0 });
    const fulfilled = await chain.client.getContractEvents({
      ...market(),
      eventName: "JobFulfilled",
      fromBlock: 0n,
    });
    expect(fulfilled).toHaveLength(JOBS.length + 1);
    for (const [i, job] of JOBS.entries()) {
      const work = first.works[i]!;
      const requester = devAccount(job.requester).address;
      expect(work.creator).toBe(requester);
      const event = fulfilled.find((e) => e.args.workId === work.workId)!;
      expect(event.args.node).toBe(generatorAddress);
      expect(event.args.modelId).toBe(models.art);
      const owner = await chain.client.readContract({
        address: chain.address("Works"),
        abi: abis.Works,
        functionName: "ownerOf",
        args: [work.workId],
      });
      expect(owner).toBe(requester);
      expect((await minted(work.workId)).creator).toBe(requester);
    }
    expect(log.filter((line) => line.includes("fulfilled by the node"))).toHaveLength(JOBS.length + 1);
  });

  it("sells the planned licence on a generated work", async () => {
    const sold = first.works.find((w) => w.key === GENERATED_SALE.key)!;
    const licensed = await chain.client.readContract({
      address: chain.address("Licenses"),
      abi: abis.Licenses,
      functionName: "isLicensed",
      args: [sold.workId, devAccount(GENERATED_SALE.buyer).address, true],
    });
    expect(licensed).toBe(true);
  });

  it("mints the AI remix, from the variation model, as a derivative of the first generated work", async () => {
    const parent = first.works[0]!;
    const remix = first.works.find((w) => w.key === "variation")!;
    expect(remix.kind).toBe("variation");
    expect(remix.creator).toBe(parent.creator);
    const args = await minted(remix.workId);
    expect(args.parentIds).toEqual([parent.workId]);
    const [fulfilled] = await chain.client.getContractEvents({
      ...market(),
      eventName: "JobFulfilled",
      args: { workId: remix.workId },
      fromBlock: 0n,
    });
    expect(fulfilled!.args.modelId).toBe(models.variation);
  });

  it("sends nothing when run again on the same chain", async () => {
    const before = await chain.client.getBlockNumber({ cacheTime: 0 });
    const again = await seedGenerated({ chain, token, models, log: () => undefined });
    expect(again.tally).toEqual({ works: 0, licences: 0, other: 0 });
    expect(again.works.map((w) => [w.key, w.workId])).toEqual(first.works.map((w) => [w.key, w.workId]));
    expect(again.works.every((w) => !w.added)).toBe(true);
    expect(await chain.client.getBlockNumber({ cacheTime: 0 })).toBe(before);
  });
});
