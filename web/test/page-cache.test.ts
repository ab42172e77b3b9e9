/**
 * The dApp server's page cache, on the built app with a real chain and Ponder (the indexer's scenario
 * market): a work page and Explore come from memory while the index head stands, byte for byte what a
 * freshly built page says, with ETag / 304; the first request after Ponder has indexed a new sale
 * shows it. (`web/build` is built first when it is missing or older than this tree's sources: ensureAppBuilt.)
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSaleStack, type SaleStack } from "@atelier/indexer/test-support";
import { ensureAppBuilt, startApp, type RunningApp } from "../test-support/app.ts";

describe("page cache of the dApp server", () => {
  let stack: SaleStack;
  let app: RunningApp;

  beforeAll(async () => {
    const built = ensureAppBuilt();
    stack = await startSaleStack();
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-page-cache-"));
    const deploymentFile = path.join(dir, "deployment.json");
    await writeFile(deploymentFile, JSON.stringify(stack.deployment));
    await built;
    app = await startApp({
      ATELIER_RPC_URL: stack.chain.rpcUrl,
      ATELIER_DEPLOYMENT: deploymentFile,
      ATELIER_INDEX_URL: `${stack.ponder.url}/graphql`,
      ATELIER_INDEX_KIND: "ponder",
      // No content in this market's IPFS: pages show their metadata as pending, which is fine here.
      ATELIER_IPFS_GATEWAY: "http://127.0.0.1:9",
      ATELIER_UPLOADS_DIR: path.join(dir, "uploads"),
      ATELIER_UPLOADS_BLOCKSTORE: path.join(dir, "blocks"),
    });
  }, 900_000);

  afterAll(async () => {
    await app?.stop();
    await stack?.stop();
  });

  const get = (page: string, headers: Record<string, string> = {}) => fetch(`${app.url}${page}`, { headers });
  // Svelte's SSR puts hydration markers (<!---->) around text.
  const licencesSold = (html: string) =>
    Number(/<dt>Licences sold<\/dt>\s*<dd>(?:<!--[^>]*-->)*(\d+)/.exec(html)?.[1]);

  it("serves a page again from memory, the same bytes as a freshly built one, with ETag and 304", async () => {
    for (const page of [`/works/${stack.sale.work}`, "/", `/works/${stack.sale.work}/__data.json`]) {
      const first = await get(page);
      expect(first.status, page).toBe(200);
      const bytes = await first.text();
      const again = await get(page);
      expect(again.headers.get("x-cache"), page).toBe("hit");
      expect(await again.text(), page).toBe(bytes);
      const fresh = await get(page, { "cache-control": "no-cache" });
      expect(fresh.headers.get("x-cache"), page).toBe("miss");
      expect(await fresh.text(), page).toBe(bytes);
      const etag = again.headers.get("etag")!;
      expect(again.headers.get("cache-control"), page).toContain("must-revalidate");
      expect((await get(page, { "if-none-match": etag })).status, page).toBe(304);
    }
  });

  it("does not keep pages outside the public read pages, nor a missing work", async () => {
    const missing = await get("/works/999999");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-cache")).toBeNull();
    expect((await get("/verify")).headers.get("x-cache")).toBeNull();
  });

  it("shows a new sale on the first request after Ponder has indexed it", async () => {
    const page = `/works/${stack.sale.work}`;
    const before = licencesSold(await (await get(page)).text());
    expect(Number.isInteger(before)).toBe(true);
    expect((await get(page)).headers.get("x-cache")).toBe("hit");
    const block = await stack.buy();
    await stack.ponder.waitForBlock(block);
    const after = await get(page);
    expect(after.headers.get("x-cache")).toBe("miss");
    expect(licencesSold(await after.text())).toBe(before + 1);
  });
});
