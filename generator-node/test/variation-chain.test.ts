/**
 * Variations on the local chain: the node serves `builtin:art` and `builtin:art-variation` (same
 * weights hash, registered as its own model); a variation job names an art work the requester owns,
 * the node reads the parent's prompt and seed from its metadata and mints a derivative with lineage;
 * a parent the requester neither owns nor licensed → `requestGeneration` reverts.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hex } from "viem";
import { devAccount } from "@atelier/devchain";
import { startNodeApp, type NodeApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { builtinModel } from "../src/model/builtin.ts";
import { startStack, until, worksAbi, writeNodeConfig, type Stack } from "./helpers/stack.ts";

const FULFILLED = 3; // JobStatus: None, Open, Claimed, Fulfilled, …

interface Metadata {
  image: string;
  provenance: { model: string; prompt: string; seed: string; variationOf?: { prompt: string; seed: string } };
}

describe("variation jobs on a local chain", () => {
  let stack: Stack;
  let app: NodeApp;
  let variationId: number;
  let ownedWork: bigint;

  const fulfilled = async (prompt: string, o?: Parameters<Stack["request"]>[1]) => {
    const { jobId } = await stack.request(prompt, o);
    await until(async () => (await stack.jobStatus(jobId)) === FULFILLED);
    return stack.workOfJob(jobId);
  };
  const metadataOf = async (workId: bigint) => {
    const uri = await stack.publicClient.readContract({
      address: stack.works,
      abi: worksAbi,
      functionName: "tokenURI",
      args: [workId],
    });
    return (await (await fetch(`${app.url}/ipfs/${uri.slice(7)}`)).json()) as Metadata;
  };
  const pixelsOf = async (meta: Metadata) => {
    const png = new Uint8Array(await (await fetch(`${app.url}/ipfs/${meta.image.slice(7)}`)).arrayBuffer());
    return new Uint8Array(await sharp(png).removeAlpha().raw().toBuffer());
  };
  const meanAbsDiff = (a: Uint8Array, b: Uint8Array) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
    return s / a.length;
  };

  beforeAll(async () => {
    stack = await startStack();
    const { manifest } = builtinModel("art-variation");
    variationId = await stack.serveModel(manifest.weightsHash as Hex, manifest.name);
    const file = await writeNodeConfig(stack, {
      models: [
        { id: stack.modelId, manifest: "builtin:art" },
        { id: variationId, manifest: "builtin:art-variation" },
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

  it("parent owned → a variation (parent's prompt and seed, new seed) minted as a derivative", async () => {
    const parentId = await fulfilled("moonlit mountains");
    ownedWork = parentId;
    const parent = await metadataOf(parentId);
    const variationWork = await fulfilled("a variation, please", {
      modelId: variationId,
      deadlineSec: 1200,
      parents: [{ workId: parentId, licenseId: 0n }],
    });
    const info = await stack.publicClient.readContract({
      address: stack.works,
      abi: worksAbi,
      functionName: "workInfo",
      args: [variationWork],
    });
    expect(info.parentIds).toEqual([parentId]);
    const variation = await metadataOf(variationWork);
    expect(variation.provenance.model).toBe("atelier-art-v2-variation");
    expect(variation.provenance.variationOf).toEqual({
      prompt: "moonlit mountains",
      seed: parent.provenance.seed.toLowerCase(),
    });
    expect(variation.provenance.seed).not.toBe(parent.provenance.seed);

    // same composition: the variation is nearer its parent than another work of the same prompt
    const sibling = await metadataOf(await fulfilled("moonlit mountains"));
    const [p, v, s] = await Promise.all([parent, variation, sibling].map(pixelsOf));
    expect(meanAbsDiff(p!, v!)).toBeGreaterThan(0);
    expect(meanAbsDiff(p!, v!)).toBeLessThan(meanAbsDiff(p!, s!));

    // a variation of the variation keeps the original composition
    const second = await metadataOf(
      await fulfilled("again", {
        modelId: variationId,
        deadlineSec: 1200,
        parents: [{ workId: variationWork, licenseId: 0n }],
      }),
    );
    expect(second.provenance.variationOf).toEqual(variation.provenance.variationOf);
  });

  it("parent neither owned nor licensed → requestGeneration reverts (UnlicensedParent)", async () => {
    const someoneElses = ownedWork; // owned by the stack's requester
    await expect(
      stack.simulateRequestFrom(devAccount(5), "a variation of someone else's work", {
        modelId: variationId,
        parents: [{ workId: someoneElses, licenseId: 0n }],
      }),
    ).rejects.toThrow(/UnlicensedParent/);
  });

  it("no parent → the node claims it only to reject it (InvalidParams), nothing minted", async () => {
    const { jobId } = await stack.request("a variation of nothing", {
      modelId: variationId,
      deadlineSec: 1200,
    });
    const given = async () => (await stack.events("JobReleased")).find((e) => e.args.jobId === jobId);
    await until(async () => (await given()) !== undefined);
    expect((await given())!.args.reasonCode).toBe(2); // InvalidParams
    expect(await stack.jobStatus(jobId)).not.toBe(FULFILLED);
  });
});
