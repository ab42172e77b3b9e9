/**
 * Variations on the local chain: the node serves `builtin:art` and `builtin:art-variation` (same
 * weights hash, registered as its own model); a variation job names an art work the requester owns,
 * the node reads the parent's prompt and seed from its metadata and mints a derivative with lineage;
 * a parent the requester neither owns nor licensed → `requestGeneration` reverts.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devAccount } from "@atelier/devchain";
import { startParentJobStack, type ParentJobStack } from "./helpers/parent-jobs.ts";
import { ART_CONDITIONING_VERSION } from "../src/model/art/condition.ts";
import { until, worksAbi } from "./helpers/stack.ts";

const FULFILLED = 3; // JobStatus: None, Open, Claimed, Fulfilled, …

interface Metadata {
  image: string;
  provenance: {
    model: string;
    prompt: string;
    seed: string;
    conditioning?: string;
    variationOf?: { prompt: string; seed: string };
  };
}

describe("variation jobs on a local chain", () => {
  let s: ParentJobStack;
  let variationId: number;
  let ownedWork: bigint;

  const metadataOf = (workId: bigint) => s.metadataOf<Metadata>(workId);
  const pixelsOf = async (meta: Metadata) =>
    new Uint8Array(
      await sharp(await s.file(meta.image))
        .removeAlpha()
        .raw()
        .toBuffer(),
    );
  const meanAbsDiff = (a: Uint8Array, b: Uint8Array) => {
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
    return sum / a.length;
  };

  beforeAll(async () => {
    s = await startParentJobStack("art-variation");
    variationId = s.modelId;
  });

  afterAll(async () => {
    await s?.stop();
  });

  it("parent owned → a variation (parent's prompt and seed, new seed) minted as a derivative", async () => {
    const parentId = await s.fulfilled("moonlit mountains");
    ownedWork = parentId;
    const parent = await metadataOf(parentId);
    const variationWork = await s.fulfilled("a variation, please", {
      modelId: variationId,
      deadlineSec: 1200,
      parents: [{ workId: parentId, licenseId: 0n }],
    });
    const info = await s.stack.publicClient.readContract({
      address: s.stack.works,
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
    // both rendered by this node's art conditioning, and say so (the weights hash does not pin it)
    expect(parent.provenance.conditioning).toBe(ART_CONDITIONING_VERSION);
    expect(variation.provenance.conditioning).toBe(ART_CONDITIONING_VERSION);

    // same composition: the variation is nearer its parent than another work of the same prompt
    const sibling = await metadataOf(await s.fulfilled("moonlit mountains"));
    const [p, v, sib] = await Promise.all([parent, variation, sibling].map(pixelsOf));
    expect(meanAbsDiff(p!, v!)).toBeGreaterThan(0);
    expect(meanAbsDiff(p!, v!)).toBeLessThan(meanAbsDiff(p!, sib!));

    // a variation of the variation keeps the original composition
    const second = await metadataOf(
      await s.fulfilled("again", {
        modelId: variationId,
        deadlineSec: 1200,
        parents: [{ workId: variationWork, licenseId: 0n }],
      }),
    );
    expect(second.provenance.variationOf).toEqual(variation.provenance.variationOf);
  });

  it("the variation model runs on the art model's producers (no workers, sessions or classifiers of its own)", async () => {
    const metrics = await (await fetch(`${s.app.url}/metrics`)).text();
    const memory = (model: string, kind: string) =>
      Number(
        new RegExp(`atelier_node_model_memory_bytes\\{model="${model}",kind="${kind}"\\} (\\S+)`).exec(
          metrics,
        )?.[1],
      );
    expect(memory("atelier-art-v2", "resident")).toBeGreaterThan(0);
    expect(memory("atelier-art-v2-variation", "resident")).toBe(0);
    expect(memory("atelier-art-v2-variation", "safety")).toBe(0);
    // the same ONNX file, counted once per model as weights
    expect(memory("atelier-art-v2-variation", "weights")).toBe(memory("atelier-art-v2", "weights"));
  });

  it("parent neither owned nor licensed → requestGeneration reverts (UnlicensedParent)", async () => {
    const someoneElses = ownedWork; // owned by the stack's requester
    await expect(
      s.stack.simulateRequestFrom(devAccount(5), "a variation of someone else's work", {
        modelId: variationId,
        parents: [{ workId: someoneElses, licenseId: 0n }],
      }),
    ).rejects.toThrow(/UnlicensedParent/);
  });

  it("no parent → the node claims it only to reject it (InvalidParams), nothing minted", async () => {
    const { jobId } = await s.stack.request("a variation of nothing", {
      modelId: variationId,
      deadlineSec: 1200,
    });
    const given = async () => (await s.stack.events("JobReleased")).find((e) => e.args.jobId === jobId);
    await until(async () => (await given()) !== undefined);
    expect((await given())!.args.reasonCode).toBe(2); // InvalidParams
    expect(await s.stack.jobStatus(jobId)).not.toBe(FULFILLED);
  });
});
