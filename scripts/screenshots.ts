/**
 * `npm run screenshots -- [--url http://127.0.0.1:5173] [--work N] [--out docs/screenshots] [--start]`:
 * pictures of a running stack for the README, taken in Debian's chromium: Explore (`explore.png`) and a work
 * page (`work.png`, the newest work unless `--work` names one), at 1280×900, light theme. Run it beside
 * `npm start`; `--start` instead starts a stack of its own on a clean checkout (free ports) and stops it after.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { launchBrowser } from "./test/support/browser.ts";
import { cleanCheckout, type CleanCheckout } from "./test/support/clean-checkout.ts";
import { npmStart, type StartedStack } from "./test/support/npm-start.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    url: { type: "string", default: process.env.ATELIER_WEB_URL ?? "http://127.0.0.1:5173" },
    work: { type: "string" },
    out: { type: "string", default: path.join(ROOT, "docs/screenshots") },
    start: { type: "boolean", default: false },
  },
});

let checkout: CleanCheckout | undefined;
let stack: StartedStack | undefined;
let web = values.url.replace(/\/+$/, "");
if (values.start) {
  checkout = await cleanCheckout();
  stack = await npmStart(checkout.dir);
  web = `http://127.0.0.1:${stack.webPort}`;
}
const browser = await launchBrowser();
try {
  const reachable = await fetch(web).then(
    (r) => r.status < 500,
    () => false,
  );
  if (!reachable) {
    console.error(
      `screenshots: no dApp answers at ${web}. Start the stack first (npm start), pass --url of its dApp, or --start.`,
    );
    process.exitCode = 1;
  } else {
    const out = path.resolve(values.out);
    await mkdir(out, { recursive: true });
    const context = await browser.newContext({
      baseURL: web,
      viewport: { width: 1280, height: 900 },
      colorScheme: "light",
    });
    const page = await context.newPage();
    await page.goto("/", { waitUntil: "networkidle" });
    await page.screenshot({ path: path.join(out, "explore.png") });
    const work = values.work ?? (await page.locator("[data-work-id]").first().getAttribute("data-work-id"));
    if (!work) {
      console.error("screenshots: Explore lists no work yet; wait for the stack's banner, or pass --work N.");
      process.exitCode = 1;
    } else {
      await page.goto(`/works/${work}`, { waitUntil: "networkidle" });
      await page.screenshot({ path: path.join(out, "work.png") });
      console.log(
        `screenshots of ${web}: ${path.join(out, "explore.png")}, ${path.join(out, "work.png")} (work ${work})`,
      );
    }
    await context.close();
  }
} finally {
  await browser.close();
  await stack?.interrupt();
  await checkout?.remove();
}
