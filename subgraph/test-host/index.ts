export { SubgraphHost, type HostLog, type FileSource, type HostLogLine } from "./host.ts";
export { logsForHost } from "./chain.ts";
export { readEntityTypes, type EntityType } from "./schema.ts";

/** The subgraph's GraphQL schema file (entity names and fields shared with the Ponder app). */
export const SUBGRAPH_SCHEMA = new URL("../schema.graphql", import.meta.url).pathname;
export const SUBGRAPH_BUILD = new URL("../build", import.meta.url).pathname;
export { dailyRollup, type DailyRow } from "./rollup.ts";
