/**
 * The full-stack path in a real browser, on the stack `npm start` brought up (registered as steps
 * inside the clean-checkout test, so CI starts the stack once): a creator requests a generation in the dApp
 * with the injected dev-account wallet; the stack's generator node fulfils it on chain; the work appears in
 * Explore through the indexer; a second account buys a licence on the work page; Verify, given a
 * JPEG-recompressed, resized copy of the image, reads the watermark in the browser and finds the work and
 * that licence. Each step checks the chain as well as the page. Prints `browserJourneyS` as a JSON line.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPublicClient, http, type Address, type PublicClient } from "viem";
import sharp from "sharp";
import {
  contractAddress,
  generationMarketAbi,
  licensesAbi,
  worksAbi,
  type Deployment,
} from "@atelier/protocol";
import { readDeployment } from "@atelier/protocol/node";
import { devAccount } from "@atelier/devchain";
import { foundCopy } from "@atelier/web/test-support/images";
import path from "node:path";
import { connectWallet, launchBrowser, openPage, type BrowserPage } from "./browser.ts";
import type { StartedStack } from "./npm-start.ts";

/** Dev accounts no service of `npm start` signs with (0 admin, 1 demo requester, 2 node). */
const CREATOR = devAccount(7).address;
const BUYER = devAccount(8).address;
/** Texture words the art model understands ("grainy", "intricate") give the watermark detail to live in. */
const PROMPT = "a grainy, intricate oil painting of a lighthouse on a stormy sea at dusk";
const SEARCH = "lighthouse";
const FEE_ETH = "0.01";
const PRICE_ETH = "0.02";
/** The copy someone finds on the web: 512 px scaled to 448 px wide, recompressed as JPEG quality 80. */
const COPY = { width: 448, quality: 80 };

export function browserJourney(context: () => { stack: StartedStack; checkoutDir: string }): void {
  describe("in a real browser: generate, index, license, verify", () => {
    let browser: Browser;
    let client: PublicClient;
    let deployment: Deployment;
    let web: string;
    let rpcUrl: string;
    let chainId: number;
    const pages: BrowserPage[] = [];
    let started = 0;
    let workId: bigint | undefined;
    let licenceBought = false;

    const open = async (account?: Address) => {
      const opened = await openPage(browser, {
        baseURL: web,
        rpcUrl,
        chainId,
        ...(account ? { account } : {}),
      });
      pages.push(opened);
      return opened;
    };
    /** The indexer writes fetched metadata when a block arrives; an automining chain makes one only when asked. */
    const mine = () => client.request({ method: "evm_mine" as never, params: [] as never });

    beforeAll(async () => {
      started = performance.now();
      const { stack, checkoutDir } = context();
      web = `http://127.0.0.1:${stack.webPort}`;
      rpcUrl = `http://127.0.0.1:${stack.chainPort}`;
      chainId = Number(/chain id (\d+)/.exec(stack.output())?.[1] ?? "31337");
      deployment = await readDeployment(
        path.join(checkoutDir, `packages/protocol/deployments/${chainId}.json`),
      );
      client = createPublicClient({ transport: http(rpcUrl), cacheTime: 0 }) as PublicClient;
      browser = await launchBrowser();
    });

    afterAll(async () => {
      for (const opened of pages) await opened.close().catch(() => undefined);
      await browser?.close();
      console.log(
        JSON.stringify({ browserJourneyS: Number(((performance.now() - started) / 1000).toFixed(1)) }),
      );
    });

    it("a creator requests a generation in the dApp; the stack's node fulfils it and mints the work", async () => {
      const { page, errors } = await open(CREATOR);
      await page.goto("/create/generate");
      await connectWallet(page);
      await page.getByLabel("Prompt").fill(PROMPT);
      await page.getByLabel("Fee (ETH)").fill(FEE_ETH);
      await page.getByLabel("Price", { exact: true }).fill(PRICE_ETH); // currency: ETH, the default
      await page.getByRole("button", { name: "Request and pay the fee" }).click();
      const job = page.locator("[data-job]");
      await job.waitFor({ timeout: 60_000 });
      const jobId = BigInt((await job.getAttribute("data-job"))!);
      // The page follows the job on chain: requested → claimed → fulfilled, then links the new work.
      await page.locator("[data-job][data-job-status='fulfilled']").waitFor({ timeout: 180_000 });
      const link = page.getByRole("link", { name: /^Open the new work #\d+$/ });
      workId = BigInt(/#(\d+)/.exec((await link.textContent()) ?? "")![1]!);

      const onChain = await client.readContract({
        address: contractAddress(deployment, "GenerationMarket"),
        abi: generationMarketAbi,
        functionName: "getJob",
        args: [jobId],
      });
      expect(onChain.status).toBe(3); // Fulfilled
      expect(onChain.requester).toBe(CREATOR);
      expect(onChain.workId).toBe(workId);
      const fulfilments = await client.getContractEvents({
        address: contractAddress(deployment, "GenerationMarket"),
        abi: generationMarketAbi,
        eventName: "JobFulfilled",
        args: { jobId },
        fromBlock: 0n,
      });
      expect(fulfilments).toHaveLength(1);
      const info = await client.readContract({
        address: contractAddress(deployment, "Works"),
        abi: worksAbi,
        functionName: "workInfo",
        args: [workId],
      });
      expect(info).toMatchObject({ creator: CREATOR, owner: CREATOR, generated: true, jobId });
      expect(errors, "the page logged errors").toEqual([]);
    });

    it("the work appears in Explore through the indexer, with its title and image", async () => {
      expect(workId, "the generation step minted a work").toBeDefined();
      const { page, errors } = await open();
      const card = page.locator(`[data-work-id='${workId}']`);
      // Explore's search runs on the indexed metadata: finding the prompt's word proves the index read it.
      await expect
        .poll(
          async () => {
            await mine();
            await page.goto(`/?q=${SEARCH}`);
            return card.count();
          },
          { timeout: 120_000, interval: 1_000 },
        )
        .toBe(1);
      expect(await card.textContent()).toContain(SEARCH);
      const src = await card.locator("img").getAttribute("src");
      expect(src).toMatch(/\/ipfs\/b/);
      const image = await fetch(new URL(src!, web));
      expect(image.status).toBe(200);
      expect(image.headers.get("content-type")).toMatch(/^image\//);
      expect(errors, "the page logged errors").toEqual([]);
    });

    it("a second account buys a licence on the work page", async () => {
      expect(workId, "the generation step minted a work").toBeDefined();
      const { page, errors } = await open(BUYER);
      await page.goto(`/works/${workId}`);
      await connectWallet(page);
      const offer = page.locator(".offer").first();
      await offer.getByRole("button", { name: `Buy licence for ${PRICE_ETH} ETH` }).click();
      await offer.locator("[data-tx-phase='confirmed']").waitFor({ timeout: 90_000 });
      expect(
        await client.readContract({
          address: contractAddress(deployment, "Licenses"),
          abi: licensesAbi,
          functionName: "isLicensed",
          args: [workId!, BUYER, true],
        }),
        "the buyer holds a commercial licence on chain",
      ).toBe(true);
      licenceBought = true;
      expect(errors, "the page logged errors").toEqual([]);
    });

    it("Verify finds the work and the buyer's licence from a JPEG-recompressed, resized copy", async () => {
      expect(licenceBought, "the purchase step bought a licence").toBe(true);
      const { page, errors } = await open();
      await page.goto(`/works/${workId}`);
      const original = Buffer.from(await (await fetchImageOf(page, web)).arrayBuffer());
      const copy = await foundCopy(original, COPY.width, COPY.quality);
      const { width, format } = await sharp(copy).metadata();
      expect({ width, format }).toEqual({ width: COPY.width, format: "jpeg" });

      await page.goto("/verify");
      await page.getByLabel("Account").first().fill(BUYER);
      await page.getByRole("checkbox", { name: "Commercial use" }).check();
      await page
        .getByTestId("verify-file")
        .setInputFiles({ name: "found-on-the-web.jpg", mimeType: "image/jpeg", buffer: copy });
      const found = page.locator(`[data-found-work='${workId}']`);
      // The watermark is read in the browser (a worker): allow for a loaded machine.
      await found.waitFor({ timeout: 120_000 });
      expect(await found.textContent()).toContain(`Its invisible watermark names work #${workId}.`);
      const licensed = found.locator("[data-licensed='true']");
      await licensed.waitFor({ timeout: 30_000 });
      const licenceId = BigInt(/licence #(\d+)/.exec((await licensed.textContent()) ?? "")?.[1] ?? "0");
      const licence = await client.readContract({
        address: contractAddress(deployment, "Licenses"),
        abi: licensesAbi,
        functionName: "licenseInfo",
        args: [licenceId],
      });
      expect(licence).toMatchObject({ workId, licensee: BUYER, valid: true });
      expect(errors, "the page logged errors").toEqual([]);
    });
  });
}

/** The work page's image, fetched from where the page loads it (the stack's IPFS gateway). */
async function fetchImageOf(page: Page, base: string): Promise<Response> {
  const src = await page.locator(".media img").first().getAttribute("src");
  expect(src).toMatch(/\/ipfs\/b/);
  const response = await fetch(new URL(src!, base));
  expect(response.status).toBe(200);
  return response;
}
