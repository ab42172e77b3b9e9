import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { createPublicClient, http, parseEther, type Address } from "viem";
import { devAccount } from "@atelier/devchain";
import { generationMarketAbi, licenseIdOf, worksAbi } from "@atelier/protocol";
import type { Page } from "@playwright/test";
import { test, expect } from "../test-support/fixtures.ts";
import { pattern } from "../test-support/images.ts";
import { ROLES, SKETCH_SIDE, SKETCH_TITLE } from "../test-support/seed.ts";
import type { StackState } from "../test-support/stack.ts";

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

/**
 * Waits on the generate page for the job to go requested → claimed → fulfilled (each step with its
 * block), and returns the job and the minted work. A generation on a loaded 2-core machine takes
 * seconds to a minute: the deadline is generous, the test waits on the page, not on a timer.
 */
async function followJob(page: Page) {
  const job = page.locator("[data-job]");
  await expect(job).toBeVisible({ timeout: 30_000 });
  const id = BigInt((await job.getAttribute("data-job"))!);
  await expect(job).toHaveAttribute("data-job-status", /requested|claimed|fulfilled/);
  await expect(job).toHaveAttribute("data-job-status", "fulfilled", { timeout: 120_000 });
  const steps = job.locator("li[data-step]");
  expect(await steps.evaluateAll((els) => els.map((e) => e.getAttribute("data-step")))).toEqual([
    "requested",
    "claimed",
    "fulfilled",
  ]);
  const link = job.getByRole("link", { name: /^Open the new work #\d+$/ });
  const workId = BigInt((await link.textContent())!.replace(/\D+/g, ""));
  return { id, workId, steps, link };
}

/** Opens the minted work from the job's link, once the index has it (mining so the metadata lands). */
async function openNewWork(page: Page, stack: StackState, workId: bigint) {
  const client = createPublicClient({ transport: http(stack.rpcUrl) });
  await page.getByRole("link", { name: `Open the new work #${workId}` }).click();
  await expect(async () => {
    await client.request({ method: "evm_mine" as never, params: [] as never });
    await page.goto(`/works/${workId}`);
    await expect(page.locator(".media img")).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 60_000 });
}

test("upload a derivative: watermark in the browser, an ERC-20 offer, a licensed parent, found in Explore", async ({
  page,
  stack,
  wallet,
  shot,
}) => {
  test.setTimeout(120_000);
  const creator = devAccount(ROLES.brand2).address;
  const dunes = stack.works.find((w) => w.title === "Violet dunes")!;
  const dunesLicence = licenseIdOf(BigInt(dunes.id), 1n, 1n); // brand2's Commercial + Remix licence (10%)
  await wallet("brand2");
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
  // The commercial offer in the ERC-20 the protocol allows: buyers are told they approve it first.
  const commercial = page.locator(".offer[data-preset='commercial']");
  await commercial.getByLabel("Price").fill("7");
  await expect(commercial.getByLabel("Currency").locator("option")).toHaveText(["ETH", /^MOCK \(ERC-20 0x/]);
  await commercial.getByLabel("Currency").selectOption(stack.token.toLowerCase());
  await expect(commercial.locator("[data-erc20-note]")).toContainText("approves the licence contract");
  // Parents: brand2 owns work 4 and holds remix licences of the dunes and the sketch.
  const parents = page.locator("[data-parents]");
  const dunesChoice = parents.getByRole("checkbox", {
    name: new RegExp(`Violet dunes \\(#${dunes.id}\\) — your licence #${dunesLicence}, takes 10%`),
  });
  await dunesChoice.check();
  await expect(
    parents.getByRole("checkbox", { name: "Violet dunes, remixed (#4) — you own it" }),
  ).toBeVisible();
  await shot("create-upload-form");
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
  expect(info.parentIds).toEqual([BigInt(dunes.id)]);
  expect(info.offerCount).toBe(2); // personal (ETH) + commercial (MOCK)
  const offer = await client.readContract({
    address: works,
    abi: worksAbi,
    functionName: "offerInfo",
    args: [workId, 2n],
  });
  expect(offer.currency.toLowerCase()).toBe(stack.token.toLowerCase());
  expect(offer.price).toBe(parseEther("7"));
  expect(
    await client.readContract({
      address: works,
      abi: worksAbi,
      functionName: "workByWatermark",
      args: [info.watermarkId],
    }),
  ).toBe(workId);

  // Find it in Explore: the indexer read its metadata from the node's blockstore, the node's gateway
  // serves its image. The indexer writes fetched metadata when a block arrives: mine while waiting.
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

  // Its page: the parent in the lineage with its share, the MOCK offer; a buyer approves, then buys.
  await page.goto(`/works/${workId}`);
  await expect(page.locator(".graph")).toContainText("Violet dunes");
  await expect(page.locator(".graph")).toContainText("receives 10% of sales");
  await expect(page.locator(".offer[data-offer-id='2'] h3")).toHaveText("7 MOCK");
  await shot("work-uploaded-derivative");
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

test("request a generation and see it fulfilled: requested → claimed → fulfilled live, then the new work", async ({
  page,
  stack,
  wallet,
  shot,
}) => {
  test.setTimeout(240_000); // a generation on a loaded 2-core machine: seconds to a minute
  await wallet("brand");
  await page.goto("/create/generate");
  await connect(page);
  await expect(page.getByLabel("Model")).toHaveValue(String(stack.node.artModelId));
  // The node publishes its minimum fee at the endpoint it set on chain.
  await expect(page.locator("[data-min-fee]")).toContainText(
    "1 node serves this model; the lowest minimum fee is 0.001 ETH",
  );
  await page.getByLabel("Prompt").fill("a volcano at sunset over the ocean");
  const recognised = page.getByRole("list", { name: "What the model will take from your prompt" });
  await expect(recognised).toContainText("coral, orange and magenta");
  await expect(recognised).toContainText("black-red to yellow heat");
  await page.getByLabel("Fee (ETH)").fill("0.002");
  await page.getByRole("button", { name: "Request and pay the fee" }).click();
  const job = await followJob(page);
  await shot("create-generate-fulfilled");
  await expect(job.steps.nth(1)).toContainText(
    new RegExp(`Claimed by node ${stack.node.address.slice(0, 6)}`, "i"),
  );

  const client = createPublicClient({ transport: http(stack.rpcUrl) });
  const onChain = await client.readContract({
    address: stack.deployment.contracts.GenerationMarket as Address,
    abi: generationMarketAbi,
    functionName: "getJob",
    args: [job.id],
  });
  expect(onChain.requester).toBe(devAccount(ROLES.brand).address);
  expect(onChain.fee).toBe(parseEther("0.002"));
  expect(onChain.workId).toBe(job.workId);

  // Open the new work: generated by the art model on this node, for this job, with its image.
  await openNewWork(page, stack, job.workId);
  await expect(page.locator(".facts")).toContainText(`Work #${job.workId} · generated`);
  const how = page.locator(".how");
  await expect(how).toContainText(`#${stack.node.artModelId}`);
  await expect(how).toContainText(new RegExp(stack.node.address, "i"));
  await expect(how).toContainText(`#${job.id} requested by`);
  await expect(how).toContainText("a volcano at sunset over the ocean");
  await shot("work-generated");
});

test("remix (upscale) a licensed work: the parent's share shown before signing, the ×4 derivative fulfilled", async ({
  page,
  stack,
  wallet,
  shot,
}) => {
  const sketch = stack.works.find((w) => w.title === SKETCH_TITLE)!;
  const licence = licenseIdOf(BigInt(sketch.id), 1n, 1n); // brand2's Commercial + Remix licence (10%)
  test.setTimeout(240_000);
  await wallet("brand2");
  await page.goto("/create/generate");
  await connect(page);
  await page.getByLabel("Model").selectOption(String(stack.node.upscaleModelId));
  await expect(page.locator("[data-min-fee]")).toContainText("1 node serves this model");
  await page.getByLabel("Prompt").fill("the pocket sketch, four times larger");
  await page.getByLabel("Fee (ETH)").fill("0.002");
  await page.getByLabel("Parent work id").fill(sketch.id);
  await page.getByLabel("Your licence id (0 if you own it)").fill(licence.toString());
  await page.getByLabel("Your licence id (0 if you own it)").blur();
  await expect(page.locator("[data-parent-share]")).toHaveText(
    `Parent's revenue share: 10% of the new work's licence revenue goes to work #${sketch.id}.`,
  );
  await shot("create-remix-form");
  await page.getByRole("button", { name: "Request and pay the fee" }).click();
  const job = await followJob(page);
  await shot("create-remix-fulfilled");

  const client = createPublicClient({ transport: http(stack.rpcUrl) });
  const info = await client.readContract({
    address: stack.deployment.contracts.Works as Address,
    abi: worksAbi,
    functionName: "workInfo",
    args: [job.workId],
  });
  expect(info.parentIds).toEqual([BigInt(sketch.id)]);
  expect(info.owner).toBe(devAccount(ROLES.brand2).address);

  // The new work: ×4 the sketch's side, with the sketch in its lineage and the share it takes.
  await openNewWork(page, stack, job.workId);
  await expect(page.locator(".graph")).toContainText(SKETCH_TITLE);
  await expect(page.locator(".graph")).toContainText("receives 10% of sales");
  const img = page.locator(".media img");
  await expect
    .poll(() => img.evaluate((i: HTMLImageElement) => i.naturalWidth), { timeout: 30_000 })
    .toBe(SKETCH_SIDE * 4);
  await shot("work-remix");
});
