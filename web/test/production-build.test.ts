/**
 * `web/build` as the tests, the e2e, bench:web and `npm start` reuse it is a production build: no bundle
 * holds Svelte's development runtime. This suite runs under vitest's NODE_ENV=test, the environment that
 * once leaked into `vite build` (fixed by buildEnv in scripts/lib/web-build.ts).
 */
import path from "node:path";
import { expect, it } from "vitest";
import { ensureAppBuilt, WEB_ROOT } from "../test-support/app.ts";
import { filesWithDevRuntime, SVELTE_DEV_MARKER } from "../test-support/dev-runtime.ts";

it("web/build bundles Svelte's production runtime, on the client and the server", async () => {
  await ensureAppBuilt();
  const buildDir = path.join(WEB_ROOT, "build");
  expect(
    await filesWithDevRuntime(buildDir),
    `these bundles hold Svelte's development runtime ("${SVELTE_DEV_MARKER}"): the build ran with NODE_ENV other than production`,
  ).toEqual([]);
}, 600_000);
