import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "artifacts/**",
      "cache/**",
      "types/**",
      "coverage/**",
      "**/dist/**",
      "**/.atelier/**",
      "packages/protocol/src/generated/**",
      "subgraph/generated/**",
      "subgraph/build/**",
      "indexer/.ponder/**",
      "indexer/generated/**",
      "web/build/**",
      "**/.svelte-kit/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
);
