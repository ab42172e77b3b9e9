import { describe, expect, it } from "vitest";
import {
  currencyOf,
  ETH,
  expiryCountdown,
  formatAmount,
  formatBps,
  formatDate,
  formatDuration,
  shortAddress,
  shortHex,
} from "../src/index.ts";

describe("formatting", () => {
  it("amounts with symbol and decimals, rounded down, tiny amounts never shown as zero", () => {
    expect(formatAmount(1_234_500_000_000_000_000n)).toBe("1.2345 ETH");
    expect(formatAmount(10n ** 16n)).toBe("0.01 ETH");
    expect(formatAmount(0n)).toBe("0 ETH");
    expect(formatAmount(1n)).toBe("< 0.000001 ETH");
    expect(formatAmount(1_999_999_999_999_999_999n)).toBe("1.999999 ETH");
    expect(formatAmount(1_234_567n * 10n ** 18n)).toBe("1,234,567 ETH");
    expect(formatAmount(2_500_000n, { symbol: "USDC", decimals: 6 })).toBe("2.5 USDC");
    expect(formatAmount(-5n * 10n ** 17n)).toBe("-0.5 ETH");
  });

  it("currencies by address", () => {
    expect(currencyOf("0x0000000000000000000000000000000000000000")).toBe(ETH);
    const usdc = { address: "0x5FbDB2315678afecb367f032d93F642f64180aa3", symbol: "USDC", decimals: 6 };
    expect(currencyOf(usdc.address.toLowerCase(), [usdc])).toBe(usdc);
    expect(currencyOf("0x1111111111111111111111111111111111111111").symbol).toBe("token 0x1111…1111");
  });

  it("basis points", () => {
    expect(formatBps(1000)).toBe("10%");
    expect(formatBps(250)).toBe("2.5%");
    expect(formatBps(1)).toBe("0.01%");
    expect(formatBps(10_000n)).toBe("100%");
  });

  it("durations: two largest units", () => {
    expect(formatDuration(365 * 86_400)).toBe("1 year");
    expect(formatDuration(30 * 86_400)).toBe("1 month");
    expect(formatDuration(86_400 * 3 + 3600 * 4 + 5)).toBe("3 days 4 hours");
    expect(formatDuration(61)).toBe("1 minute 1 second");
    expect(formatDuration(1)).toBe("1 second");
    expect(formatDuration(0)).toBe("0 seconds");
    expect(formatDuration(365 * 86_400 + 3)).toBe("1 year");
  });

  it("expiry countdown", () => {
    expect(expiryCountdown(0, 100)).toEqual({
      state: "perpetual",
      text: "Never expires",
      secondsLeft: Infinity,
    });
    expect(expiryCountdown(100 + 86_400 * 2 + 3600, 100)).toMatchObject({
      state: "active",
      text: "Expires in 2 days 1 hour",
    });
    expect(expiryCountdown(100, 100 + 90)).toMatchObject({
      state: "expired",
      text: "Expired 1 minute 30 seconds ago",
    });
    expect(expiryCountdown(100n, 100n).state).toBe("expired");
  });

  it("short addresses and hashes", () => {
    expect(shortAddress("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266")).toBe("0xf39F…2266");
    expect(shortAddress("not an address but long text")).toBe("not an…text");
    expect(shortHex(`0x${"ab".repeat(32)}`)).toBe("0xababab…ababab");
  });

  it("dates in UTC", () => {
    expect(formatDate(1_764_590_400)).toBe("1 Dec 2025");
    expect(formatDate(1_764_590_400n, { time: true })).toBe("1 Dec 2025, 12:00 UTC");
    expect(() => formatDate(Number.NaN)).toThrow(/unix time/);
  });
});
