import { test, expect } from "../test-support/fixtures.ts";
import type { Page } from "@playwright/test";

async function connect(page: Page) {
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByRole("button", { name: "Test Wallet" }).click();
  await expect(page.locator("[data-wallet-status='connected']")).toBeVisible();
}

test("buy a licence with ETH and see it under My account", async ({ page, wallet, shot }) => {
  await wallet("brand");
  await page.goto("/works/1");
  await connect(page);
  const offer = page.locator(".offer[data-offer-id='2']");
  await offer.getByRole("button", { name: "Buy licence for 0.05 ETH" }).click();
  await expect(offer.locator("[data-tx-phase='confirmed']")).toContainText("Confirmed in block");
  await shot("work-bought");
  await offer.getByRole("link", { name: "See your licences under My account" }).click();
  await expect(page).toHaveURL(/\/account\?address=0x/);
  // The index follows the chain within a block or two.
  await expect(async () => {
    await page.reload();
    await expect(page.locator(".licence")).toContainText("Harbour at dawn", { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.locator(".licence").first()).toContainText("Active");
  await expect(page.locator(".licence").first()).toContainText("Commercial licence");
  await shot("account");
});

test("buy with an ERC-20: the approve step comes first", async ({ page, wallet }) => {
  await wallet("brand");
  await page.goto("/works/2");
  await connect(page);
  const offer = page.locator(".offer[data-offer-id='2']");
  const buy = offer.getByRole("button", { name: "2. Buy licence" });
  await expect(buy).toBeDisabled();
  await offer.getByRole("button", { name: /1\. Allow Atelier to take 5 MOCK/ }).click();
  await expect(offer.getByText("Payment token approved ✓")).toBeVisible();
  await expect(buy).toBeEnabled();
  await buy.click();
  await expect(offer.locator("[data-tx-phase='confirmed']").last()).toContainText(
    "Buy the licence: Confirmed",
  );
});

test("a rejected transaction is calm, not an error, and nothing is sent", async ({ page, wallet, shot }) => {
  const control = await wallet("brand");
  await page.goto("/works/1");
  await connect(page);
  control.rejectNext = true;
  const offer = page.locator(".offer[data-offer-id='1']");
  await offer.getByRole("button", { name: "Buy licence for 0.01 ETH" }).click();
  const status = offer.locator("[data-tx-phase='rejected']");
  await expect(status).toContainText("Nothing was sent");
  await expect(offer.locator(".notice.bad")).toHaveCount(0);
  await shot("tx-rejected");
});

test("wrong network: detected, and the switch brings the wallet back", async ({
  page,
  wallet,
  stack,
  shot,
}) => {
  const control = await wallet("brand", { chainId: 1 });
  await page.goto("/works/1");
  await connect(page);
  await expect(page.locator(".wrong")).toContainText("Your wallet is on another network (chain 1)");
  await expect(
    page
      .locator(".offer")
      .first()
      .getByRole("button", { name: /Switch your wallet/ }),
  ).toBeVisible();
  await shot("wrong-network");
  await page.getByRole("button", { name: /^Switch to / }).click();
  await expect(page.locator(".wrong")).toHaveCount(0);
  expect(control.chainId).toBe(stack.chainId);
  await expect(
    page
      .locator(".offer")
      .first()
      .getByRole("button", { name: /Buy licence/ }),
  ).toBeVisible();
});
