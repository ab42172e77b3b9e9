/** Symbol and decimals of the ERC-20 tokens offers are priced in (read from the chain, cached per process). */
import { erc20Abi, zeroAddress, type Address } from "viem";
import { displayText } from "../text.ts";
import { chain } from "./index.ts";

export interface Currency {
  symbol: string;
  decimals: number;
}

const cache = new Map<string, Currency>();

export async function currencyInfo(addresses: string[]): Promise<Map<string, Currency>> {
  const out = new Map<string, Currency>();
  for (const raw of new Set(addresses.map((a) => a.toLowerCase()))) {
    if (raw === zeroAddress) {
      out.set(raw, { symbol: "ETH", decimals: 18 });
      continue;
    }
    let info = cache.get(raw);
    if (!info) {
      const address = raw as Address;
      const [symbol, decimals] = await Promise.all([
        chain()
          .readContract({ address, abi: erc20Abi, functionName: "symbol" })
          .catch(() => null),
        chain()
          .readContract({ address, abi: erc20Abi, functionName: "decimals" })
          .catch(() => null),
      ]);
      // A token's symbol is text from the chain: shown as data, short.
      info = {
        symbol: symbol ? displayText(symbol, 12) : `token ${raw.slice(0, 8)}…`,
        decimals: decimals ?? 18,
      };
      cache.set(raw, info);
    }
    out.set(raw, info);
  }
  return out;
}
