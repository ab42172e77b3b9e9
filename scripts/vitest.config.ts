import { defineConfig } from "vitest/config";

// The repository as a newcomer meets it: the installed command names and `npm start` on a clean checkout.
export default defineConfig({
  test: {
    name: "repo",
    include: ["test/**/*.test.ts"],
    testTimeout: 240_000,
    hookTimeout: 360_000,
    fileParallelism: false,
  },
});
