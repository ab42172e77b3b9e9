/**
 * `npm run bench:web [-- --json FILE] [--runs N]`: against the local stack (the same one the e2e tests
 * start), with Debian chromium:
 *   initialJsGzipKB  JS fetched by a cold load of Explore, gzip-compressed size (what the wire carries)
 *   fcpMs / lcpMs    first / largest contentful paint of Explore (Chromium's performance API), median of runs
 *   verifyMs         Verify of a 1024×1024 watermarked JPEG in the browser, median of runs: from the file
 *                    reaching the page's reader to its answer (decode once, then watermark and pHash in two
 *                    workers side by side), the file given once the page's readers are warm (verifyReadyMs:
 *                    navigation to warm); verifyTotalMs adds the content hash and the lookup round trip
 *   pages.<name>.a11yViolations  axe-core violations (offline, axe.min.js from node_modules)
 */
import { constants } from "node:fs";
import { access, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { chromium } from "@playwright/test";
import { keccak256, stringToHex } from "viem";
import { devAccount } from "@atelier/devchain";
import { licenseIdOf, uploadWatermarkId } from "@atelier/protocol";
import { ensureAppBuilt } from "../test-support/app.ts";
import { chromiumLaunchOptions } from "../test-support/chromium.ts";
import { markedJpeg, pattern } from "../test-support/images.ts";
import { startStack } from "../test-support/stack.ts";

const { values } = parseArgs({
  options: {
    json: { type: "string" },
    runs: { type: "string", default: "5" },
    "skip-build": { type: "boolean" },
  },
});
const runs = Math.max(1, Number(values.runs));
// `npm run bench:web` runs in web/, so a relative --json is resolved against where the user typed it
// (npm's INIT_CWD), and checked before the run: a bad path must not throw the measured figures away.
const jsonOut = values.json ? path.resolve(process.env.INIT_CWD ?? process.cwd(), values.json) : undefined;
if (jsonOut) {
  try {
    await access(path.dirname(jsonOut), constants.W_OK);
  } catch {
    console.error(
      `--json ${values.json}: the folder ${path.dirname(jsonOut)} does not exist or is not writable; create it or pick another path`,
    );
    process.exit(2);
  }
}
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x * 10) / 10;

const load = loadavg()[0]!;
if (!values["skip-build"]) await ensureAppBuilt();
const stack = await startStack((line) => console.error(`stack: ${line}`));
const browser = await chromium.launch(chromiumLaunchOptions());
try {
  const base = stack.state.appUrl;

  // Initial JS of Explore: every script response of a cold load, gzip-compressed here.
  const jsBytes: number[] = [];
  const fcp: number[] = [];
  const lcp: number[] = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const scripts: Promise<void>[] = [];
    if (i === 0) {
      page.on("response", (r) => {
        if (r.request().resourceType() === "script")
          scripts.push(r.body().then((b) => void jsBytes.push(gzipSync(b, { level: 9 }).length)));
      });
    }
    await page.addInitScript(() => {
      const w = window as unknown as { __lcp: number };
      w.__lcp = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__lcp = e.startTime;
      }).observe({ type: "largest-contentful-paint", buffered: true });
    });
    await page.goto(base, { waitUntil: "networkidle" });
    await Promise.all(scripts);
    const paint = await page.evaluate(() => ({
      fcp: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
      lcp: (window as unknown as { __lcp: number }).__lcp,
    }));
    fcp.push(paint.fcp);
    lcp.push(paint.lcp);
    await context.close();
  }

  // Verify a 1024² watermarked JPEG.
  const salt = keccak256(stringToHex("bench-1024"));
  const marked = await markedJpeg(pattern(1024, 1024), uploadWatermarkId(devAccount(1).address, salt));
  const verify: number[] = [];
  const verifyTotal: number[] = [];
  const stages = { decode: [] as number[], detect: [] as number[], hash: [] as number[] };
  const page = await browser.newPage();
  const warmup: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const opened = performance.now();
    await page.goto(`${base}/verify`);
    // As a person does, the file comes once the page is ready: its two readers started and warmed.
    await page
      .locator("[data-testid='verify-file'][data-reader-ready]")
      .waitFor({ state: "attached", timeout: 60_000 });
    if (i > 0) warmup.push(performance.now() - opened);
    await page
      .getByTestId("verify-file")
      .setInputFiles({ name: "bench.jpg", mimeType: "image/jpeg", buffer: Buffer.from(marked.bytes) });
    const section = page.locator("[data-verify-ms]");
    await section.waitFor({ timeout: 60_000 });
    if (i === 0) continue; // warm-up: the worker's code is fetched and compiled once
    verify.push(Number(await section.getAttribute("data-read-ms")));
    verifyTotal.push(Number(await section.getAttribute("data-verify-ms")));
    const [decode, detect, hash] = (await section.getAttribute("data-stages-ms"))!.split(" ").map(Number);
    stages.decode.push(decode!);
    stages.detect.push(detect!);
    stages.hash.push(hash!);
  }

  const pages: Record<string, { a11yViolations: number; ids: string[] }> = {};
  for (const [name, url] of [
    ["explore", "/"],
    ["work", "/works/1"],
    ["verify", "/verify"],
    ["work-hostile", "/works/3"],
    ["account", `/account?address=${devAccount(5).address}`],
    ["operators", "/operators"],
    ["create", "/create"],
    ["generate", "/create/generate"],
    ["certificate", `/account/licences/${licenseIdOf(2n, 1n, 1n)}/certificate`],
  ] as const) {
    await page.goto(`${base}${url}`);
    await page.addScriptTag({ path: AXE });
    const ids = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: () => Promise<{ violations: { id: string }[] }> } })
        .axe;
      return (await axe.run()).violations.map((v) => v.id);
    });
    pages[name] = { a11yViolations: ids.length, ids };
  }

  const result = {
    initialJsGzipKB: round(jsBytes.reduce((a, b) => a + b, 0) / 1024),
    scripts: jsBytes.length,
    fcpMs: round(median(fcp)),
    lcpMs: round(median(lcp)),
    verifyMs: round(median(verify)),
    verifyWorstMs: round(Math.max(...verify)),
    verifyTotalMs: round(median(verifyTotal)),
    // From navigation to the page's readers being warm (the wait a file dropped at once would add).
    verifyReadyMs: round(median(warmup)),
    // Medians of the worker's stages: decode is the dApp's, detect and hash are @atelier/watermark's.
    verifyStagesMs: {
      decode: round(median(stages.decode)),
      detect: round(median(stages.detect)),
      hash: round(median(stages.hash)),
    },
    runs,
    pages,
    loadAverage: round(load),
    note: "local stack on this machine; timings under the load average shown",
  };
  const json = JSON.stringify(result, null, 2);
  console.log(json);
  if (jsonOut) await writeFile(jsonOut, `${json}\n`);
} finally {
  await browser.close();
  await stack.stop();
}
