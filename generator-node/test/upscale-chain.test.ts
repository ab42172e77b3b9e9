/**
 * The upscale model on the local chain: a parent the requester owns → a ×4 derivative minted with
 * lineage; a parent the requester neither owns nor licensed → `requestGeneration` reverts.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hex } from "viem";
import { devAccount } from "@atelier/devchain";
import { startNodeApp, type NodeApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { builtinUpscale } from "../src/model/builtin.ts";
import { startStack, until, worksAbi, writeNodeConfig, type Stack } from "./helpers/stack.ts";

const FULFILLED = 3; // JobStatus: None, Open, Claimed, Fulfilled, …

describe("upscale ×4 jobs on a local chain", () => {
  let stack: Stack;
  let app: NodeApp;
  let upscaleId: number;

  beforeAll(async () => {
    stack = await startStack();
    upscaleId = await stack.serveModel(builtinUpscale().manifest.weightsHash as Hex, "esrgan-slim-x4");
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
    const parentId = await stack.workOfJob(parentJob.jobId);

    const { jobId } = await stack.request("upscale ×4", {
      modelId: upscaleId,
      deadlineSec: 1200,
      parents: [{ workId: parentId, licenseId: 0n }],
    });
    await until(async () => (await stack.jobStatus(jobId)) === FULFILLED);
    const workId = await stack.workOfJob(jobId);
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
    await expect(
      stack.simulateRequestFrom(devAccount(5), "upscale someone else's work", {
        modelId: upscaleId,
        parents: [{ workId: someoneElses, licenseId: 0n }],
      }),
    ).rejects.toThrow(/UnlicensedParent/);
  });
});
