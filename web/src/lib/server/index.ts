/** The server's connections: the index (through @atelier/query), the chain (viem), configured once. */
import { createPublicClient, defineChain, http, type PublicClient } from "viem";
import { createQueries, type ProvenanceQueries } from "@atelier/query";
import { config } from "./config.ts";

let queries: ProvenanceQueries | undefined;
let client: PublicClient | undefined;

export function index(): ProvenanceQueries {
  const c = config();
  queries ??= createQueries({ kind: c.indexKind, url: c.indexUrl });
  return queries;
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
