/** The node's content store and its gateway, for tools that serve or measure the same content path. */
export { ContentUnavailableError, HeliaStore, type ContentStore, type HeliaStoreOptions } from "./ipfs.ts";
export { handleGateway } from "./gateway.ts";
