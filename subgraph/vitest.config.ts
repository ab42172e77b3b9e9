import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 240_000,
    // chain tests spawn hardhat nodes (and Ponder, Postgres): keep files sequential on 2 cores
    fileParallelism: false,
  },
});
