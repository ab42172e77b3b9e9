/**
 * A real browser for tests and scripts outside the web workspace's Playwright runner: Debian's chromium
 * (never a downloaded one) through playwright-core, and pages that carry the web e2e's injected wallet
 * (an EIP-1193 provider backed by the chain's unlocked dev accounts) and record what the page logged.
 */
import { chromium, type Browser, type Page } from "playwright-core";
import type { Address } from "viem";
import { chromiumLaunchOptions } from "@atelier/web/test-support/chromium";
import { injectWallet, type WalletControl } from "@atelier/web/test-support/wallet";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions());
}

export interface BrowserPage {
  page: Page;
  /** Present when the page was opened with an account. */
  wallet?: WalletControl;
  /** Console errors and uncaught exceptions the page reported, in order. */
  errors: string[];
  close(): Promise<void>;
}

/** A fresh context (no shared storage) on `baseURL`, with the test wallet of `account` when one is given. */
export async function openPage(
  browser: Browser,
  options: {
    baseURL: string;
    rpcUrl: string;
    chainId: number;
    account?: Address;
    viewport?: { width: number; height: number };
  },
): Promise<BrowserPage> {
  const context = await browser.newContext({
    baseURL: options.baseURL,
    viewport: options.viewport ?? { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
  const wallet = options.account
    ? await injectWallet(page, {
        rpcUrl: options.rpcUrl,
        chainId: options.chainId,
        realChainId: options.chainId,
        account: options.account,
      })
    : undefined;
  return { page, ...(wallet ? { wallet } : {}), errors, close: () => context.close() };
}

/** Connects the injected wallet through the dApp's own buttons (it may already be connected). */
export async function connectWallet(page: Page): Promise<void> {
  const disconnect = page.getByRole("button", { name: "Disconnect" });
  if (await disconnect.isVisible().catch(() => false)) return;
  await page.getByRole("button", { name: "Connect wallet" }).click();
  await page.getByRole("button", { name: "Test Wallet" }).click();
  await disconnect.waitFor({ state: "visible", timeout: 30_000 });
}
