import path from "node:path";

/** The monorepo root, where hardhat.config.ts lives. */
export const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");
