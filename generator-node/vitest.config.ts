import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // generous, never a pass/fail criterion: chain tests under load (2 shared cores) take minutes
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // chain tests spawn hardhat nodes and child processes: keep files sequential on 2 cores
    fileParallelism: false,
  },
});
