import { defineConfig } from "vitest/config";

// Generous per-test timeout: the suite runs on a shared 2-core machine; tests assert no timings.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
