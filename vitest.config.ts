import { defineConfig } from "vitest/config";

// One vitest run covers every TypeScript workspace; each may add its own vitest.config.ts.
export default defineConfig({
  test: {
    projects: ["packages/*", "generator-node", "subgraph", "indexer", "scripts", "web"],
  },
});
