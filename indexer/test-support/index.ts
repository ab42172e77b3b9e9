export { startPonder, type RunningPonder, type PonderOptions } from "./ponder.ts";
export { startScenarioStack, settleMetadata, type ScenarioStack } from "./stack.ts";
export { startPostgres, postgresAvailable, type RunningPostgres } from "./postgres.ts";
export { ponderTables, subgraphTables, contractWitness, type Tables, type Row } from "./conformance.ts";
export { startSaleStack, type Sale, type SaleStack } from "./sales.ts";
