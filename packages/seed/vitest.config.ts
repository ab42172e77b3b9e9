import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    name: "seed",
    include: ["test/**/*.test.ts"],
    testTimeout: 240_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
