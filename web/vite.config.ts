import adapter from "@sveltejs/adapter-node";
import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vite";

// SvelteKit 3: the kit configuration lives in the Vite plugin (a svelte.config.js is an error).
export default defineConfig({
  plugins: [sveltekit({ adapter: adapter({ out: "build" }) })],
  // Native or wasm-loading dependencies of the query layer stay Node modules (bundling breaks their loaders).
  ssr: { external: ["usearch", "@electric-sql/pglite", "sharp"] },
});
