export { runScenario, HOSTILE, ACCOUNTS, type ScenarioResult } from "./scenario.ts";
export { metadataBlock, rawBlock, type StoredMetadata } from "./metadata.ts";
