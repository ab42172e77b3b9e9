import { defineConfig, type ViteUserConfig } from "vitest/config";

/**
 * The generation test starts the web e2e's generator node (web/test-support). Its nearest tsconfig (web/)
 * extends SvelteKit's generated one, which a fresh clone lacks until a web build: no tsconfig is read
 * (see scripts/vitest.config.ts) — plain TypeScript needs none to have its types stripped.
 */
const oxc = { tsconfig: false } as ViteUserConfig["oxc"];

export default defineConfig({
  oxc,
  test: {
    name: "seed",
    include: ["test/**/*.test.ts"],
    testTimeout: 240_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
