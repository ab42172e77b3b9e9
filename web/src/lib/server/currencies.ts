/** Symbol and decimals of the ERC-20 tokens offers are priced in (read from the chain, cached per process), and which ones offers may use. */
import { erc20Abi, zeroAddress, type Address } from "viem";
import { worksAbi } from "@atelier/protocol";
import { displayText } from "../text.ts";
import { chain, config } from "./index.ts";

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

/** A currency offers may be priced in: ETH (the zero address) or an ERC-20 the protocol admin allowed. */
export interface OfferCurrency extends Currency {
  address: string;
}

/**
 * ETH and every ERC-20 the Works contract allows now (the latest `CurrencyAllowedSet` per token, read
 * from the chain: the admin can withdraw a currency, and an offer in it would then revert).
 */
export async function allowedCurrencies(): Promise<OfferCurrency[]> {
  const c = config();
  const works = c.deployment.contracts.Works;
  const allowed = new Map<string, boolean>();
  if (works) {
    const logs = await chain().getContractEvents({
      address: works,
      abi: worksAbi,
      eventName: "CurrencyAllowedSet",
      fromBlock: BigInt(c.deployment.startBlock),
      toBlock: "latest",
    });
    for (const log of logs)
      if (log.args.currency) allowed.set(log.args.currency.toLowerCase(), Boolean(log.args.allowed));
  }
  const tokens = [...allowed].filter(([, on]) => on).map(([address]) => address);
  const info = await currencyInfo([zeroAddress, ...tokens]);
  return [zeroAddress, ...tokens].map((address) => ({ address, ...info.get(address)! }));
}
