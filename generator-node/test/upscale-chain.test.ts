/**
 * The upscale model on the local chain: a parent the requester owns → a ×4 derivative minted with
 * lineage; a parent the requester neither owns nor licensed → `requestGeneration` reverts.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devAccount } from "@atelier/devchain";
import { startParentJobStack, type ParentJobStack } from "./helpers/parent-jobs.ts";
import { worksAbi } from "./helpers/stack.ts";

describe("upscale ×4 jobs on a local chain", () => {
  let s: ParentJobStack;

  beforeAll(async () => {
    s = await startParentJobStack("upscale-x4");
  });

  afterAll(async () => {
    await s?.stop();
  });

  it("parent owned → a ×4 derivative is minted with the parent as lineage", async () => {
    const parentId = await s.fulfilled("moonlit mountains");
    const workId = await s.fulfilled("upscale ×4", {
      modelId: s.modelId,
      deadlineSec: 1200,
      parents: [{ workId: parentId, licenseId: 0n }],
    });
    const info = await s.stack.publicClient.readContract({
      address: s.stack.works,
      abi: worksAbi,
      functionName: "workInfo",
      args: [workId],
    });
    expect(info.parentIds).toEqual([parentId]);
    const meta = await s.metadataOf<{ image: string; properties: { width: number; height: number } }>(workId);
    expect(meta.properties).toMatchObject({ width: 2048, height: 2048 });
    const size = await sharp(await s.file(meta.image)).metadata();
    expect([size.width, size.height]).toEqual([2048, 2048]);
  });

  it("parent neither owned nor licensed → requestGeneration reverts (UnlicensedParent)", async () => {
    const fulfilled = await s.stack.events("JobFulfilled");
    const someoneElses = fulfilled[0]!.args.workId as bigint; // owned by the stack's requester
    await expect(
      s.stack.simulateRequestFrom(devAccount(5), "upscale someone else's work", {
        modelId: s.modelId,
        parents: [{ workId: someoneElses, licenseId: 0n }],
      }),
    ).rejects.toThrow(/UnlicensedParent/);
  });
});
