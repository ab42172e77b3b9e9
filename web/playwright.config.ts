import { defineConfig, devices } from "@playwright/test";
import { chromiumLaunchOptions } from "./test-support/chromium.ts";

// Debian's chromium, never a downloaded browser (`npx playwright install` is not used here).
const chromium = chromiumLaunchOptions();

export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [
    ["list"],
    ["json", { outputFile: process.env.ATELIER_E2E_REPORT ?? "test-results/report.json" }],
  ],
  use: { launchOptions: chromium, trace: "retain-on-failure" },
  projects: [{ name: "desktop", use: { ...devices["Desktop Chrome"], launchOptions: chromium } }],
});
