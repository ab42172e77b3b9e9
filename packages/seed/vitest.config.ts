import { defineConfig, type ViteUserConfig } from "vitest/config";

/**
 * No tsconfig is read (as in scripts/vitest.config.ts): plain TypeScript needs none to have its types
 * stripped.
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
