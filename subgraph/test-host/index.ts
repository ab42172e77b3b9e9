export { SubgraphHost, type HostLog, type FileSource, type HostLogLine } from "./host.ts";
export { logsForHost } from "./chain.ts";
