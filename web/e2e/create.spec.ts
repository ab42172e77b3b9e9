import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import {
  createPublicClient,
  createWalletClient,
  http,
  keccak256,
  parseEther,
  stringToHex,
  type Address,
} from "viem";
import { hardhat } from "viem/chains";
import { devAccount } from "@atelier/devchain";
import { generationMarketAbi, licenseIdOf, worksAbi } from "@atelier/protocol";
import type { Page } from "@playwright/test";
import { test, expect } from "../test-support/fixtures.ts";
import { pattern } from "../test-support/images.ts";

/** The wallet may reconnect by itself (it answers eth_accounts); otherwise connect it through the UI. */
async function connect(page: Page) {
  const disconnect = page.getByRole("button", { name: "Disconnect" });
  try {
    await expect(disconnect).toBeVisible({ timeout: 5000 });
  } catch {
    await page.getByRole("button", { name: "Connect wallet" }).click();
    await page.getByRole("button", { name: "Test Wallet" }).click();
    await expect(disconnect).toBeVisible();
  }
}

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
    await sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels: 3 } })
      .png()
      .toBuffer(),
  );

  await page.goto("/create");
  await connect(page);
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
  const info = await client.readContract({
    address: works,
    abi: worksAbi,
    functionName: "workInfo",
    args: [workId],
  });
  expect(info.creator).toBe(creator);
  expect(info.watermarkId).toBeGreaterThan(0n);
  expect(info.offerCount).toBe(2); // personal + commercial are ticked by default
  expect(
    await client.readContract({
      address: works,
      abi: worksAbi,
      functionName: "workByWatermark",
      args: [info.watermarkId],
    }),
  ).toBe(workId);

  // Find it in Explore: the indexer read its metadata from the uploads blockstore, the gateway serves
  // its image. The indexer writes fetched metadata when a block arrives: mine while waiting.
  const card = page.locator(`[data-work-id='${workId}']`);
  await expect(async () => {
    await client.request({ method: "evm_mine" as never, params: [] as never });
    await page.goto("/?q=uploaded+browser");
    await expect(card).toContainText("Uploaded in the browser", { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect(card.locator("img")).toHaveAttribute("src", new RegExp(`^${stack.gateway}/ipfs/`));
  const image = await page.request.get((await card.locator("img").getAttribute("src"))!);
  expect(image.status()).toBe(200);
  expect(image.headers()["content-type"]).toMatch(/^image\//);
  await shot("explore-finds-upload");
});

test("the upload endpoint refuses what is not a PNG, JPEG or WebP, with a reason and a hint", async ({
  request,
  stack,
}) => {
  const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#f00" } })
    .gif()
    .toBuffer();
  const res = await request.post(`${stack.appUrl}/api/uploads`, {
    data: gif,
    headers: { "content-type": "image/png" },
  });
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

test("request a generation: the model's lexicon hints, the fee escrowed, the job followed on chain", async ({
  page,
  stack,
  wallet,
  shot,
}) => {
  // Register a model (the deployer holds MODEL_ADMIN_ROLE) so the index lists it; no node serves it here.
  const chain = { ...hardhat, id: stack.chainId };
  const admin = createWalletClient({ chain, transport: http(stack.rpcUrl), account: devAccount(0) });
  const client = createPublicClient({ chain, transport: http(stack.rpcUrl) });
  const market = stack.deployment.contracts.GenerationMarket as Address;
  const hash = await admin.writeContract({
    address: market,
    abi: generationMarketAbi,
    functionName: "registerModel",
    args: [
      keccak256(stringToHex("e2e weights")),
      keccak256(stringToHex("e2e cid")),
      0x55n,
      true,
      "atelier-art-v2",
    ],
  });
  await client.waitForTransactionReceipt({ hash });
  await client.request({ method: "evm_mine" as never, params: [] as never });

  await wallet("brand");
  await expect(async () => {
    await page.goto("/create/generate");
    await expect(page.getByLabel("Model")).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await connect(page);
  await expect(page.locator("[data-min-fee]")).toContainText("No node publishes a policy for this model");
  await page.getByLabel("Prompt").fill("a volcano at sunset over the ocean");
  const recognised = page.getByRole("list", { name: "What the model will take from your prompt" });
  await expect(recognised).toContainText("coral, orange and magenta");
  await expect(recognised).toContainText("black-red to yellow heat");
  await page.getByLabel("Fee (ETH)").fill("0.02");
  await page.getByRole("button", { name: "Request and pay the fee" }).click();
  const job = page.locator("[data-job]");
  await expect(job).toHaveAttribute("data-job-status", "requested", { timeout: 30_000 });
  const jobId = BigInt((await job.getAttribute("data-job"))!);
  await shot("create-generate");
  const onChain = await client.readContract({
    address: market,
    abi: generationMarketAbi,
    functionName: "getJob",
    args: [jobId],
  });
  expect(onChain.status).toBe(1); // Open
  expect(onChain.requester).toBe(devAccount(4).address);
  expect(onChain.fee).toBe(parseEther("0.02"));
});

test("remix: the parent's revenue share is shown before signing, and the job names the parent", async ({
  page,
  stack,
  wallet,
}) => {
  const dunes = stack.works.find((w) => w.title === "Violet dunes")!;
  const licence = licenseIdOf(BigInt(dunes.id), 1n, 1n); // brand2's Commercial + Remix licence (10%)
  await wallet("brand2");
  await expect(async () => {
    await page.goto("/create/generate");
    await expect(page.getByLabel("Model")).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await connect(page);
  await page.getByLabel("Prompt").fill("violet dunes under ice");
  await page.getByLabel("Parent work id").fill(dunes.id);
  await page.getByLabel("Your licence id (0 if you own it)").fill(licence.toString());
  await page.getByLabel("Your licence id (0 if you own it)").blur();
  await expect(page.locator("[data-parent-share]")).toHaveText(
    `Parent's revenue share: 10% of the new work's licence revenue goes to work #${dunes.id}.`,
  );
  await page.getByRole("button", { name: "Request and pay the fee" }).click();
  const job = page.locator("[data-job]");
  await expect(job).toHaveAttribute("data-job-status", "requested", { timeout: 30_000 });
  const client = createPublicClient({ transport: http(stack.rpcUrl) });
  const onChain = await client.readContract({
    address: stack.deployment.contracts.GenerationMarket as Address,
    abi: generationMarketAbi,
    functionName: "getJob",
    args: [BigInt((await job.getAttribute("data-job"))!)],
  });
  expect(onChain.parents).toEqual([{ workId: BigInt(dunes.id), licenseId: licence }]);
});
