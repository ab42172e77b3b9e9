/**
 * The upscale model on the local chain: a parent the requester owns → a ×4 derivative minted with
 * lineage; a parent the requester neither owns nor licensed → `requestGeneration` reverts.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWalletClient, http, parseEther, toHex, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { devAccount } from "@atelier/devchain";
import { startNodeApp, type NodeApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { builtinUpscale } from "../src/model/builtin.ts";
import { generationMarketAbi, startStack, worksAbi, writeNodeConfig, type Stack } from "./helpers/stack.ts";

const FULFILLED = 3; // JobStatus: None, Open, Claimed, Fulfilled, …

async function until(cond: () => Promise<boolean>, ms = 150_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("upscale ×4 jobs on a local chain", () => {
  let stack: Stack;
  let app: NodeApp;
  let upscaleId: number;

  beforeAll(async () => {
    stack = await startStack();
    upscaleId = await stack.registerModel(builtinUpscale().manifest.weightsHash as Hex, "esrgan-slim-x4");
    const node = createWalletClient({
      account: privateKeyToAccount(stack.nodeKey),
      transport: http(stack.rpcUrl),
      chain: stack.publicClient.chain,
    });
    const hash = await node.writeContract({
      address: stack.market,
      abi: generationMarketAbi,
      functionName: "setModelsServed",
      args: [[upscaleId], true],
      chain: stack.publicClient.chain,
    });
    await stack.publicClient.waitForTransactionReceipt({ hash });
    const file = await writeNodeConfig(stack, {
      models: [
        { id: stack.modelId, manifest: "builtin:art" },
        { id: upscaleId, manifest: "builtin:upscale-x4" },
      ],
      claim: { expectedJobMs: 60_000, releaseMarginMs: 10_000 },
      safety: { enabled: false },
      log: { level: "error", pretty: false },
    });
    app = await startNodeApp(loadConfig({ file, env: {} }));
  });

  afterAll(async () => {
    await app?.stop();
    await stack?.stop();
  });

  it("parent owned → a ×4 derivative is minted with the parent as lineage", async () => {
    const parentJob = await stack.request("moonlit mountains");
    await until(async () => (await stack.jobStatus(parentJob.jobId)) === FULFILLED);
    const parentEvent = (await stack.events("JobFulfilled")).find((e) => e.args.jobId === parentJob.jobId)!;
    const parentId = parentEvent.args.workId as bigint;

    const { jobId } = await stack.request("upscale ×4", {
      modelId: upscaleId,
      deadlineSec: 1200,
      parents: [{ workId: parentId, licenseId: 0n }],
    });
    await until(async () => (await stack.jobStatus(jobId)) === FULFILLED);
    const workId = (await stack.events("JobFulfilled")).find((e) => e.args.jobId === jobId)!.args
      .workId as bigint;
    const info = await stack.publicClient.readContract({
      address: stack.works,
      abi: worksAbi,
      functionName: "workInfo",
      args: [workId],
    });
    expect(info.parentIds).toEqual([parentId]);
    const uri = await stack.publicClient.readContract({
      address: stack.works,
      abi: worksAbi,
      functionName: "tokenURI",
      args: [workId],
    });
    const meta = (await (await fetch(`${app.url}/ipfs/${uri.slice(7)}`)).json()) as {
      image: string;
      properties: { width: number; height: number };
    };
    expect(meta.properties).toMatchObject({ width: 2048, height: 2048 });
    const png = new Uint8Array(await (await fetch(`${app.url}/ipfs/${meta.image.slice(7)}`)).arrayBuffer());
    const size = await sharp(png).metadata();
    expect([size.width, size.height]).toEqual([2048, 2048]);
  });

  it("parent neither owned nor licensed → requestGeneration reverts (UnlicensedParent)", async () => {
    const fulfilled = await stack.events("JobFulfilled");
    const someoneElses = fulfilled[0]!.args.workId as bigint; // owned by the stack's requester
    const stranger = createWalletClient({
      account: devAccount(5),
      transport: http(stack.rpcUrl),
      chain: stack.publicClient.chain,
    });
    const block = await stack.publicClient.getBlock({ blockTag: "latest" });
    await expect(
      stack.publicClient.simulateContract({
        account: stranger.account,
        address: stack.market,
        // the parent check runs in Works: decode its errors too
        abi: [...generationMarketAbi, ...worksAbi.filter((x) => x.type === "error")],
        functionName: "requestGeneration",
        args: [
          upscaleId,
          toHex(new TextEncoder().encode("upscale someone else's work")),
          "0x",
          Number(block.timestamp) + 1200,
          500,
          { termsId: 0, currency: "0x0000000000000000000000000000000000000000", price: 0n, maxSupply: 0 },
          [{ workId: someoneElses, licenseId: 0n }],
        ],
        value: parseEther("0.01"),
      }),
    ).rejects.toThrow(/UnlicensedParent/);
  });
});
