export * from "./generated/abis.ts";
export * from "./deployment.ts";
export * from "./derivations.ts";
export * from "./presets.ts";
