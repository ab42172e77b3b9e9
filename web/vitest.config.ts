import { defineConfig, mergeConfig } from "vitest/config";
import viteConfig from "./vite.config.ts";

// Unit tests of web/src/lib (plain TypeScript); the browser tests run under Playwright (e2e/).
// The app's Vite config brings the SvelteKit plugin, which writes the generated `$app/tsconfig` the
// tsconfig extends: on a fresh clone nothing else has written it yet.
export default mergeConfig(viteConfig, defineConfig({ test: { include: ["test/**/*.test.ts"] } }));
