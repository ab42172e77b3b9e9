export * from "./generated/abis.ts";
export * from "./deployment.ts";
export * from "./derivations.ts";
