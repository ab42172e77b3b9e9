import { test, expect } from "../test-support/fixtures.ts";

test("explore: thumbnails from the gateway, cursor pages in the URL, back button", async ({
  page,
  stack,
  shot,
}) => {
  const cards = page.locator("article.work");
  const ids = async () =>
    (await cards.evaluateAll((els) => els.map((e) => e.getAttribute("data-work-id")))).map(Number);
  // Newest first, three per page (the stack sets the page size); other tests may have minted more.
  await page.goto("/");
  await expect(cards).toHaveCount(3);
  const newest = await ids();
  expect(newest).toEqual([...newest].sort((a, b) => b - a));
  // The first four seeded works from the newest one down: the cursor is the last work number seen.
  await page.goto(`/?after=5`);
  await expect(cards).toHaveCount(3);
  await expect(cards.first()).toContainText("Violet dunes, remixed");
  const img = cards.first().locator("img");
  await expect(img).toHaveAttribute("src", new RegExp(`^${stack.gateway}/ipfs/`));
  await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(0);
  await shot("explore");

  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(/after=2/);
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toContainText("Harbour at dawn");
  await page.goBack();
  await expect(cards).toHaveCount(3);
  await expect(page).toHaveURL(/after=5/);
});

test("explore: search, rights, source, price and currency filters; empty state", async ({ page, stack }) => {
  // The seeded works only: other tests (create) mint more.
  const ids = async () =>
    (
      await page.locator("article.work").evaluateAll((els) => els.map((e) => e.getAttribute("data-work-id")))
    ).filter((id) => Number(id) <= stack.works.length);
  await page.goto("/?q=dunes&sort=oldest");
  expect(await ids()).toEqual(["2", "4"]);

  await page.goto("/");
  await page.getByLabel("AI training").check();
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/rights=ai/);
  expect(await ids()).toEqual(["2"]);

  await page.goto(`/?currency=${stack.token}`);
  expect(await ids()).toEqual(["2"]);
  await page.goto("/?rights=commercial&max=0.04&sort=oldest");
  expect(await ids()).toEqual(["4"]);
  await page.goto(`/?creator=${stack.works[0]!.creator}`);
  expect(await ids()).toEqual(["1"]);

  // Generated works exist (the generation tests run first), but none by this creator.
  await page.goto(`/?source=generated&creator=${stack.works[0]!.creator}`);
  await expect(page.locator("[data-empty]")).toContainText("No work matches these filters");
  await page.goto("/?min=lots");
  await expect(page.getByRole("alert")).toContainText('minimum price "lots" is not an amount');
  // A search of punctuation only is named as ignored, and the works are still listed.
  await page.goto("/?q=%3C%3E%20%26&sort=oldest");
  await expect(page.getByRole("alert")).toContainText('the search "<> &" has no words');
  expect((await ids()).length).toBeGreaterThan(0);
});

test("reading pages work without JavaScript", async ({ browser, stack }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL: stack.appUrl });
  const page = await context.newPage();
  await page.goto("/?sort=oldest");
  await expect(page.locator("article.work")).toHaveCount(3);
  await page.getByRole("link", { name: "Harbour at dawn" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Harbour at dawn");
  await expect(page.locator(".offer")).toHaveCount(2);
  await expect(page.locator(".offer").first()).toContainText("You can't: Use the work commercially");
  await page.goto("/verify?watermark=" + stack.works[0]!.watermarkId);
  await expect(page.locator("[data-found-work='1']")).toBeVisible();
  await context.close();
});
