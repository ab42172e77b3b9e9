import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { createPublicClient, http, type Address } from "viem";
import { devAccount } from "@atelier/devchain";
import { worksAbi } from "@atelier/protocol";
import { test, expect } from "../test-support/fixtures.ts";
import { pattern } from "../test-support/images.ts";

test("upload your own image: watermark in the browser, store through /api/uploads, mint with offers", async ({
  page,
  stack,
  wallet,
  shot,
}) => {
  const creator = devAccount(3).address; // creatorB
  await wallet("creatorB");
  const img = pattern(77, 320);
  const file = path.join(await mkdtemp(path.join(tmpdir(), "atelier-create-")), "my-upload.png");
  await writeFile(
    file,
    await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } }).png().toBuffer(),
  );

  await page.goto("/create");
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByRole("button", { name: "Test Wallet" }).click();
  await page.getByLabel("Image (PNG, JPEG or WebP)").setInputFiles(file);
  await expect(page.getByLabel("Title")).toHaveValue("my-upload");
  await page.getByLabel("Title").fill("Uploaded in the browser");
  await page.getByRole("button", { name: "Watermark, store and mint" }).click();
  const minted = page.locator("[data-minted-work]");
  await expect(minted).toBeVisible({ timeout: 60_000 });
  const workId = BigInt((await minted.getAttribute("data-minted-work"))!);
  await shot("create-upload");

  const client = createPublicClient({ transport: http(stack.rpcUrl) });
  const works = stack.deployment.contracts.Works as Address;
  const info = await client.readContract({ address: works, abi: worksAbi, functionName: "workInfo", args: [workId] });
  expect(info.creator).toBe(creator);
  expect(info.watermarkId).toBeGreaterThan(0n);
  expect(info.offerCount).toBe(2); // personal + commercial are ticked by default
  expect(await client.readContract({ address: works, abi: worksAbi, functionName: "workByWatermark", args: [info.watermarkId] })).toBe(workId);
});

test("the upload endpoint refuses what is not a PNG, JPEG or WebP, with a reason and a hint", async ({ request, stack }) => {
  const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#f00" } }).gif().toBuffer();
  const res = await request.post(`${stack.appUrl}/api/uploads`, { data: gif, headers: { "content-type": "image/png" } });
  expect(res.status()).toBe(415);
  const body = (await res.json()) as { error: { code: string; reason: string; hint: string } };
  expect(body.error.code).toBe("unsupported-image-type");
  expect(body.error.reason).toContain("image/gif");
  expect(body.error.hint).toMatch(/PNG, JPEG or WebP/);
  const meta = await request.post(`${stack.appUrl}/api/uploads`, {
    data: JSON.stringify({ name: "x" }),
    headers: { "content-type": "application/json" },
  });
  expect(meta.status()).toBe(422);
  expect(((await meta.json()) as { error: { code: string } }).error.code).toBe("invalid-metadata");
});
