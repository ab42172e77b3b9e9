/** The server's connections: the index (through @atelier/query), the chain (viem), configured once. */
import { createPublicClient, defineChain, http, type PublicClient } from "viem";
import {
  createQueries,
  ponderDialect,
  subgraphDialect,
  type Dialect,
  type ProvenanceQueries,
} from "@atelier/query";
import { config } from "./config.ts";

let queries: ProvenanceQueries | undefined;
let dialect: Dialect | undefined;
let client: PublicClient | undefined;

export function index(): ProvenanceQueries {
  const c = config();
  queries ??= createQueries({ kind: c.indexKind, url: c.indexUrl });
  return queries;
}

/** The raw GraphQL dialect, for the few reads the query layer does not offer (see ./reads.ts). */
export function indexDialect(): Dialect {
  const c = config();
  dialect ??= c.indexKind === "ponder" ? ponderDialect(c.indexUrl) : subgraphDialect(c.indexUrl);
  return dialect;
}

export function chain(): PublicClient {
  const c = config();
  client ??= createPublicClient({
    chain: defineChain({
      id: c.deployment.chainId,
      name: c.chainName,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [c.rpcUrl] } },
    }),
    transport: http(c.rpcUrl),
    cacheTime: 0,
  }) as PublicClient;
  return client;
}

export { config, publicConfig } from "./config.ts";
