/**
 * Formatting for people: amounts with their currency, basis points, durations, expiry countdowns, short
 * addresses and dates. Deterministic (dates in UTC, English) so server and browser render the same text.
 */
import { formatUnits, getAddress, isAddress, zeroAddress } from "viem";

export interface Currency {
  /** `0x000…0` for ETH, else the ERC-20's address. */
  address: string;
  symbol: string;
  decimals: number;
}

export const ETH: Currency = { address: zeroAddress, symbol: "ETH", decimals: 18 };

/** ETH for the zero address, the known token for its address, or an "unknown token" placeholder. */
export function currencyOf(address: string, known: readonly Currency[] = []): Currency {
  if (address.toLowerCase() === zeroAddress) return ETH;
  const token = known.find((c) => c.address.toLowerCase() === address.toLowerCase());
  return token ?? { address, symbol: `token ${shortAddress(address)}`, decimals: 18 };
}

/**
 * `1234500000000000000n` → "1.2345 ETH". At most `maxFractionDigits` decimals (rounded down, never up:
 * a price shown must not exceed what is charged… nor hide that something is charged): a non-zero amount
 * too small to show reads "< 0.000001 ETH".
 */
export function formatAmount(
  value: bigint,
  currency: Pick<Currency, "symbol" | "decimals"> = ETH,
  maxFractionDigits = 6,
): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const full = formatUnits(abs, currency.decimals);
  const [whole = "0", fraction = ""] = full.split(".");
  const cut = fraction.slice(0, maxFractionDigits).replace(/0+$/, "");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  if (abs > 0n && grouped === "0" && cut === "") {
    return `${negative ? "-" : ""}< 0.${"0".repeat(Math.max(0, maxFractionDigits - 1))}1 ${currency.symbol}`;
  }
  return `${negative ? "-" : ""}${grouped}${cut ? `.${cut}` : ""} ${currency.symbol}`;
}

/** 1000 → "10%", 250 → "2.5%", 1 → "0.01%". */
export function formatBps(bps: number | bigint): string {
  const n = Number(bps);
  return `${Number((n / 100).toFixed(2))}%`;
}

const UNITS: readonly [string, number][] = [
  ["year", 365 * 86_400],
  ["month", 30 * 86_400],
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
  ["second", 1],
];

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? "" : "s"}`;
}

/**
 * Seconds → "1 year", "30 days", "2 hours 5 minutes" (the two largest units, rounded down).
 * 0 → "0 seconds" (callers decide whether 0 means "perpetual").
 */
export function formatDuration(seconds: number | bigint): string {
  let rest = Math.floor(Math.abs(Number(seconds)));
  if (rest === 0) return "0 seconds";
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    if (parts.length === 2) break;
    const n = Math.floor(rest / size);
    if (n > 0) {
      parts.push(plural(n, unit));
      rest -= n * size;
    } else if (parts.length === 1) {
      break; // "1 year 3 seconds" says less than "1 year"
    }
  }
  return parts.join(" ");
}

export interface Countdown {
  state: "perpetual" | "active" | "expired";
  /** "Never expires", "Expires in 3 days 4 hours", "Expired 2 hours ago". */
  text: string;
  /** Seconds left (negative once expired; Infinity when perpetual). */
  secondsLeft: number;
}

/** Countdown to `expiry` (unix seconds; 0 = perpetual) as seen at `now` (unix seconds). */
export function expiryCountdown(
  expiry: number | bigint,
  now: number | bigint = Date.now() / 1000,
): Countdown {
  const e = Number(expiry);
  if (e === 0) return { state: "perpetual", text: "Never expires", secondsLeft: Infinity };
  const left = Math.floor(e - Number(now));
  if (left > 0) return { state: "active", text: `Expires in ${formatDuration(left)}`, secondsLeft: left };
  if (left === 0) return { state: "expired", text: "Expired just now", secondsLeft: 0 };
  return { state: "expired", text: `Expired ${formatDuration(-left)} ago`, secondsLeft: left };
}

/** "0x1234…abcd" (checksummed); any other text is returned shortened but otherwise as it is. */
export function shortAddress(address: string, chars = 4): string {
  const text = isAddress(address, { strict: false }) ? getAddress(address) : address;
  if (text.length <= 2 + chars * 2 + 1) return text;
  return `${text.slice(0, 2 + chars)}…${text.slice(-chars)}`;
}

/** "0xabcd…1234" for a transaction hash or other long hex. */
export function shortHex(hex: string, chars = 6): string {
  return hex.length <= 2 + chars * 2 + 1 ? hex : `${hex.slice(0, 2 + chars)}…${hex.slice(-chars)}`;
}

const DATE = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  day: "numeric",
  month: "short",
  year: "numeric",
});
const DATE_TIME = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** Unix seconds → "1 Dec 2026" or, with `time`, "1 Dec 2026, 11:55 UTC". */
export function formatDate(unixSeconds: number | bigint, options: { time?: boolean } = {}): string {
  const date = new Date(Number(unixSeconds) * 1000);
  if (Number.isNaN(date.getTime())) throw new RangeError(`${unixSeconds} is not a unix time in seconds`);
  return options.time ? `${DATE_TIME.format(date)} UTC` : DATE.format(date);
}
