/**
 * How every browser run here launches chromium (the web e2e, bench:web, scripts' browser tests):
 * Debian's `/usr/bin/chromium` (or `ATELIER_CHROMIUM`), never a downloaded browser, headless without
 * sandbox, GPU or background network traffic.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Launch options for Playwright's `chromium.launch` / `launchOptions`. */
export const chromiumLaunchOptions = (): { executablePath: string; args: string[] } => ({
  executablePath: process.env.ATELIER_CHROMIUM ?? "/usr/bin/chromium",
  args: [...CHROMIUM_ARGS],
});
