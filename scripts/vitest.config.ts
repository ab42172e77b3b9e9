import { defineConfig, type ViteUserConfig } from "vitest/config";

/**
 * The browser test reuses the web e2e's wallet and images (web/test-support). Their nearest tsconfig (web/)
 * extends SvelteKit's generated `$app/tsconfig`, which a fresh clone lacks until a web build or
 * `svelte-kit sync` (and writing it here would race the web unit tests, which generate it in the same run):
 * so no tsconfig is read — plain TypeScript needs none to have its types stripped. Vite's types leave
 * `tsconfig` out of its oxc options (Vite resolves tsconfigs itself) but hand it to oxc as given.
 */
const oxc = { tsconfig: false } as ViteUserConfig["oxc"];

// The repository as a newcomer meets it: the installed command names and `npm start` on a clean checkout.
export default defineConfig({
  oxc,
  test: {
    name: "repo",
    include: ["test/**/*.test.ts"],
    testTimeout: 240_000,
    hookTimeout: 360_000,
    fileParallelism: false,
  },
});
