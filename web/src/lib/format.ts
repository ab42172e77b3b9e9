import { formatUnits, zeroAddress, type Address } from "viem";

/** 0x1234…abcd */
export function shortAddress(address: string | null | undefined): string {
  if (!address) return "—";
  return address.length > 12 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

export function isEth(currency: string): boolean {
  return currency.toLowerCase() === zeroAddress;
}

/** "0.01 ETH", or "12.5 tokens (0x12…)" for an ERC-20 whose symbol is not known here. */
export function formatPrice(
  amount: bigint,
  currency: Address | string,
  symbol?: string,
  decimals = 18,
): string {
  const value = formatUnits(amount, decimals);
  if (isEth(currency)) return `${value} ETH`;
  return `${value} ${symbol ?? `tokens (${shortAddress(currency)})`}`;
}

/** A duration in seconds in words: "1 year", "30 days", "2 hours"; 0 = "forever". */
export function formatDuration(seconds: bigint | number): string {
  const s = Number(seconds);
  if (s === 0) return "no expiry";
  const units: [number, string][] = [
    [365 * 86_400, "year"],
    [30 * 86_400, "month"],
    [86_400, "day"],
    [3_600, "hour"],
    [60, "minute"],
  ];
  for (const [size, name] of units) {
    if (s >= size) {
      const n = Math.round((s / size) * 10) / 10;
      return `${n} ${name}${n === 1 ? "" : "s"}`;
    }
  }
  return `${s} second${s === 1 ? "" : "s"}`;
}

/** A unix timestamp (seconds) as an ISO date and time in UTC. */
export function formatTime(seconds: bigint | number): string {
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** Parses a decimal ETH amount typed by a person ("0.5"); undefined when empty, null when invalid. */
export function parseAmount(text: string | null | undefined, decimals = 18): bigint | undefined | null {
  if (text === null || text === undefined || text.trim() === "") return undefined;
  const m = /^\s*(\d{1,30})(?:\.(\d{0,18}))?\s*$/.exec(text);
  if (!m) return null;
  const fraction = (m[2] ?? "").padEnd(decimals, "0").slice(0, decimals);
  return BigInt(m[1]!) * 10n ** BigInt(decimals) + BigInt(fraction === "" ? "0" : fraction);
}
