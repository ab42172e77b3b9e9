/**
 * Builds the dApp when web/build is missing or stale (unless ATELIER_WEB_SKIP_BUILD=1), starts the stack, and
 * hands its state to the tests.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { ensureAppBuilt } from "../test-support/app.ts";
import { startStack } from "../test-support/stack.ts";

export default async function globalSetup() {
  const started = performance.now();
  if (process.env.ATELIER_WEB_SKIP_BUILD !== "1") await ensureAppBuilt();
  const stack = await startStack((line) =>
    console.log(`[stack ${((performance.now() - started) / 1000).toFixed(1)} s] ${line}`),
  );
  const file = path.join(stack.state.dir, "state.json");
  await writeFile(file, JSON.stringify(stack.state));
  process.env.ATELIER_E2E_STATE = file;
  return async () => stack.stop();
}
