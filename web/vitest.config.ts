import { defineConfig } from "vitest/config";

// Unit tests of web/src/lib (plain TypeScript); the browser tests run under Playwright (e2e/).
export default defineConfig({
  test: { include: ["test/**/*.test.ts"] },
});
