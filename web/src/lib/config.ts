import type { Address } from "viem";

/** What the browser needs to talk to the chain and the gateway: sent by the root layout. */
export interface PublicConfig {
  chainId: number;
  chainName: string;
  /** JSON-RPC URL the browser's wallet is asked to add when the chain is unknown to it. */
  rpcUrl: string;
  contracts: Record<string, Address>;
  /** IPFS gateway base (no trailing slash): images load from `${gateway}/ipfs/<cid>`. */
  gateway: string;
}

/** `ipfs://<cid>[/path]` → a gateway URL; other http(s) URLs pass through; anything else is refused (null). */
export function gatewayUrl(uri: string | null | undefined, gateway: string): string | null {
  if (!uri) return null;
  const ipfs = /^ipfs:\/\/(?:ipfs\/)?([A-Za-z0-9]+)(\/[^?#]*)?$/.exec(uri.trim());
  if (ipfs) return `${gateway}/ipfs/${ipfs[1]}${ipfs[2] ?? ""}`;
  if (/^[A-Za-z0-9]{46,}$/.test(uri.trim())) return `${gateway}/ipfs/${uri.trim()}`;
  return null;
}
