/** The dApp's formatting: @atelier/explain's, with the few adapters the pages need. */
import { formatAmount, formatDate, shortAddress as explainShortAddress } from "@atelier/explain/words";
import { zeroAddress } from "viem";

export { formatDuration } from "@atelier/explain/words";

/** 0x1234…abcd (checksummed), or a dash when there is no address. */
export function shortAddress(address: string | null | undefined): string {
  return address ? explainShortAddress(address) : "—";
}

export function isEth(currency: string): boolean {
  return currency.toLowerCase() === zeroAddress;
}

/** "0.01 ETH", "5 MOCK", or "12.5 tokens (0x12…)" for an ERC-20 whose symbol is not known here. */
export function formatPrice(amount: bigint, currency: string, symbol?: string, decimals = 18): string {
  const shown = symbol ?? (isEth(currency) ? "ETH" : `tokens (${shortAddress(currency)})`);
  return formatAmount(amount, { symbol: shown, decimals });
}

/** A unix timestamp (seconds) as a date and time. */
export function formatTime(seconds: bigint | number): string {
  return formatDate(seconds, { time: true });
}

/** Parses a decimal ETH amount typed by a person ("0.5"); undefined when empty, null when invalid. */
export function parseAmount(text: string | null | undefined, decimals = 18): bigint | undefined | null {
  if (text === null || text === undefined || text.trim() === "") return undefined;
  const m = /^\s*(\d{1,30})(?:\.(\d{0,18}))?\s*$/.exec(text);
  if (!m) return null;
  const fraction = (m[2] ?? "").padEnd(decimals, "0").slice(0, decimals);
  return BigInt(m[1]!) * 10n ** BigInt(decimals) + BigInt(fraction === "" ? "0" : fraction);
}
