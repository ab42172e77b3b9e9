import { test, expect } from "../test-support/fixtures.ts";

test("work page: image, terms in three layers, lineage and provenance", async ({ page, stack, shot }) => {
  await page.goto("/works/4");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Violet dunes, remixed");
  await expect(page.locator(".media img")).toHaveAttribute("src", new RegExp(`^${stack.gateway}/ipfs/`));
  const offer = page.locator(".offer").first();
  await expect(offer).toContainText("You can: Use the work commercially");
  await offer.getByText("Machine-readable terms").click();
  await expect(offer).toContainText("commercialUse");
  await expect(offer.getByRole("link", { name: "Read the full legal text" })).toHaveAttribute(
    "href",
    new RegExp(`^${stack.gateway}/ipfs/`),
  );
  // Lineage: the parent and the share it receives.
  await expect(page.locator(".graph")).toContainText("Violet dunes");
  await expect(page.locator(".timeline li[data-kind='minted']")).toHaveCount(1);
  await shot("work-derivative");
  await page.goto("/works/2");
  await expect(page.locator(".graph")).toContainText("Violet dunes, remixed");
  // brand2's remix licence from the seed (other tests may have bought more by now).
  await expect(page.locator(".timeline li[data-kind='license']").first()).toContainText("0x9965");
  await shot("work");
});

test("a hostile title is text: no script runs, bidi overrides are shown, the page stays usable", async ({
  page,
  shot,
}) => {
  await page.goto("/works/3");
  const h1 = page.getByRole("heading", { level: 1 });
  await expect(h1).toContainText("<script>window.__pwned=1</script>");
  await expect(h1).toContainText("⟨U+202E⟩");
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(page.locator("script:not([type]):not([src])").filter({ hasText: "__pwned" })).toHaveCount(0);
  // The 100 KB description is cut, and the offer below it is still reachable.
  await expect(page.locator(".description")).toContainText("characters)");
  // It folds behind a summary (a keyboard opens it; no scroll box to focus), and opens to 1,500 characters.
  await page.locator(".description summary").focus();
  await page.keyboard.press("Enter");
  await expect(page.locator(".description p")).toBeVisible();
  await expect(page.locator(".description p")).toContainText("(102,000 characters)");
  await page.locator(".offer").first().scrollIntoViewIfNeeded();
  await expect(page.locator(".offer").first()).toBeInViewport();
  await page.goto("/?sort=oldest");
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await shot("work-hostile");
});

test("an unknown work is a clear 404", async ({ page, consoleErrors }) => {
  const response = await page.goto("/works/999");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("alert")).toHaveText("There is no work #999");
  // The browser reports the 404 document itself; that one is expected.
  const expected = consoleErrors.filter((e) => /status of 404/.test(e));
  expect(expected.length).toBeLessThanOrEqual(1);
  consoleErrors.splice(0, consoleErrors.length, ...consoleErrors.filter((e) => !/status of 404/.test(e)));
});

test("more like this: suggestions with the reason for each, filtered by the rights you need", async ({
  page,
  shot,
}) => {
  await page.goto("/works/4");
  const similar = page.locator("#more-like-this");
  // The parent (Violet dunes) is suggested for its derivative, with why; the work itself is not.
  const parent = similar.locator("li").filter({ has: page.locator("[data-work-id='2']") });
  await expect(parent).toContainText("Why: ");
  await expect(similar.locator("[data-work-id='4']")).toHaveCount(0);
  // Of the seeded works only Violet dunes offers AI training: the filter keeps it, drops the others
  // (before it, works without that right are suggested too).
  await expect(similar.locator("article.work:not([data-work-id='2'])").first()).toBeVisible();
  await similar.getByLabel("AI training").check();
  await similar.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/[?&]rights=ai/);
  await expect(similar.getByLabel("AI training")).toBeChecked();
  await expect(similar.locator("[data-work-id='2']")).toHaveCount(1);
  await expect(similar.locator("[data-work-id='1'], [data-work-id='3'], [data-work-id='5']")).toHaveCount(0);
  await shot("work-more-like-this");
});
