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
import type { Page } from "@playwright/test";
import { devAccount } from "@atelier/devchain";
import { generationMarketAbi } from "@atelier/protocol";
import { test, expect } from "../test-support/fixtures.ts";
import { ROLES } from "../test-support/seed.ts";

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

test("a real revert is shown in words: withdrawing stake that is not unbonding", async ({
  page,
  stack,
  wallet,
  shot,
}) => {
  // brand2 becomes a node (a model first): the operators page then shows its node's actions.
  const client = createPublicClient({ transport: http(stack.rpcUrl) });
  const market = stack.deployment.contracts.GenerationMarket as Address;
  const send = async (role: number, functionName: string, args: unknown[], value?: bigint) => {
    const walletClient = createWalletClient({
      account: devAccount(role),
      chain: hardhat,
      transport: http(stack.rpcUrl),
    });
    const hash = await walletClient.writeContract({
      address: market,
      abi: generationMarketAbi,
      functionName: functionName as never,
      args: args as never,
      value: value as never,
    });
    expect((await client.waitForTransactionReceipt({ hash })).status).toBe("success");
  };
  await send(ROLES.admin, "registerModel", [
    keccak256(stringToHex("revert-test weights")),
    keccak256(stringToHex("revert-test cid")),
    0x55n,
    true,
    "revert-test",
  ]);
  const modelId = await client.readContract({
    address: market,
    abi: generationMarketAbi,
    functionName: "modelCount",
  });
  await send(ROLES.brand2, "registerNode", [[modelId]], parseEther("0.2"));

  await wallet("brand2");
  const node = devAccount(ROLES.brand2).address.toLowerCase();
  // The server-rendered list shows the node once Ponder has indexed it.
  await expect(async () => {
    await page.goto("/operators");
    await expect(page.getByRole("cell", { name: node })).toBeVisible({ timeout: 3000 });
  }).toPass({ timeout: 45_000 });
  // The wallet may reconnect by itself; otherwise connect it. "Your node" shows for the connected node.
  const disconnect = page.getByRole("button", { name: "Disconnect" });
  if (!(await disconnect.isVisible({ timeout: 5000 }).catch(() => false))) await connect(page);
  const actions = page.locator("section[aria-labelledby='me-h']");
  await expect(actions).toBeVisible();
  await actions.getByRole("button", { name: "Withdraw released stake" }).click();
  const status = actions.locator("[data-tx-phase='failed']");
  // The contract's custom error NothingUnbonding, decoded into words with a hint; no raw selector.
  await expect(status).toContainText("has no stake waiting to be withdrawn");
  await expect(status).toContainText("Start an unstake first");
  const words = (await status.textContent()) ?? "";
  expect(words).not.toMatch(/NothingUnbonding|0x[0-9a-fA-F]{8}\b|execution reverted/);
  await shot("tx-reverted");
});
