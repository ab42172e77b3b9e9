/**
 * Where the hardening tests (test/hardening/*) start: the base fixture's and the job tools' names from one
 * module, and one call that deploys a fixture and hands back its job tools with it.
 */
import { createFixture } from "./fixture.ts";
import { jobTools } from "./jobs.ts";

export * from "./fixture.ts";
export * from "./jobs.ts";

export async function hardeningFixture() {
  const f = await createFixture();
  return { f, ...jobTools(f) };
}
