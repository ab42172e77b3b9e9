import adapter from "@sveltejs/adapter-node";
import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vite";

// SvelteKit 3: the kit configuration lives in the Vite plugin (a svelte.config.js is an error).
export default defineConfig({
  plugins: [sveltekit({ adapter: adapter({ out: "build" }) })],
  // Native or wasm-loading dependencies of the query layer stay Node modules (bundling breaks their loaders).
  build: {
    rollupOptions: {
      // @atelier/explain's index also exports the certificate PDF (pdf-lib, qrcode): these modules have no
      // import-time side effects, so pages that only use the words do not ship them.
      treeshake: {
        moduleSideEffects: (id: string) =>
          !/node_modules\/(pdf-lib|@pdf-lib|qrcode|pako|dijkstrajs|encode-utf8)\//.test(id),
      },
    },
  },
  ssr: { external: ["usearch", "@electric-sql/pglite", "sharp"] },
});
