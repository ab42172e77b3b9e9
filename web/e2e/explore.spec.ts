import { test, expect } from "../test-support/fixtures.ts";

test("explore lists the seeded works with thumbnails from the gateway", async ({ page, stack, shot }) => {
  await page.goto("/");
  const cards = page.locator("article.work");
  await expect(cards).toHaveCount(stack.works.length);
  await expect(page.getByRole("heading", { name: "Harbour at dawn" })).toBeVisible();
  const img = cards.filter({ hasText: "Harbour at dawn" }).locator("img");
  await expect(img).toHaveAttribute("src", new RegExp(`^${stack.gateway}/ipfs/`));
  await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(0);
  await shot("explore");
});
