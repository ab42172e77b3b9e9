/**
 * Playwright fixtures every e2e test (here and in the create/uploads/certificate tests) builds on:
 * `stack` (the running stack's state), `wallet(role)` (inject the test wallet as a dev account),
 * `shot(name)` (a full-page screenshot into the artifacts folder), and a check that the page logged
 * no console errors.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { test as base, expect, type Page } from "@playwright/test";
import { devAccount } from "@atelier/devchain";
import type { StackState } from "./stack.ts";
import { ROLES } from "./seed.ts";
import { injectWallet, type WalletControl } from "./wallet.ts";

export const ARTIFACTS =
  process.env.ATELIER_E2E_ARTIFACTS ?? path.resolve(import.meta.dirname, "../e2e-artifacts/screenshots");

interface Fixtures {
  stack: StackState;
  wallet: (role: keyof typeof ROLES, options?: { chainId?: number }) => Promise<WalletControl>;
  shot: (name: string, target?: Page) => Promise<void>;
  consoleErrors: string[];
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  stack: async ({}, use) => {
    const file = process.env.ATELIER_E2E_STATE;
    if (!file)
      throw new Error(
        "ATELIER_E2E_STATE is not set: run the tests through playwright.config.ts (its global setup starts the stack)",
      );
    await use(JSON.parse(readFileSync(file, "utf8")) as StackState);
  },
  baseURL: async ({ stack }, use) => use(stack.appUrl),
  wallet: async ({ page, stack }, use) => {
    await use((role, options = {}) =>
      injectWallet(page, {
        rpcUrl: stack.rpcUrl,
        realChainId: stack.chainId,
        chainId: options.chainId ?? stack.chainId,
        account: devAccount(ROLES[role]).address,
      }),
    );
  },
  shot: async ({ page }, use, info) => {
    await use(async (name, target = page) => {
      const project = info.project.name;
      await target.screenshot({ path: path.join(ARTIFACTS, project, `${name}.png`), fullPage: true });
    });
  },
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") errors.push(m.text());
      });
      page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
      await use(errors);
      expect(errors, "the page logged console errors").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
