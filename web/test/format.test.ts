import { describe, expect, it } from "vitest";
import { formatPrice, parseAmount, shortAddress } from "../src/lib/format.ts";
import { gatewayUrl } from "../src/lib/config.ts";

describe("formatting", () => {
  it("prices in ETH and tokens", () => {
    expect(formatPrice(10n ** 16n, "0x0000000000000000000000000000000000000000")).toBe("0.01 ETH");
    expect(formatPrice(5n * 10n ** 18n, "0x5FbDB2315678afecb367f032d93F642f64180aa3", "MOCK")).toBe("5 MOCK");
    // Never shown as 0 when something is charged.
    expect(formatPrice(1n, "0x5FbDB2315678afecb367f032d93F642f64180aa3")).toBe(
      "< 0.000001 tokens (0x5FbD…0aa3)",
    );
  });
  it("durations and addresses", () => {
    expect(shortAddress("0x70997970c51812dc3a010c7d01b50e0d17dc79c8")).toBe("0x7099…79C8");
    expect(shortAddress(null)).toBe("—");
  });
  it("parses typed amounts exactly", () => {
    expect(parseAmount("0.1")).toBe(10n ** 17n);
    expect(parseAmount("1")).toBe(10n ** 18n);
    expect(parseAmount(" ")).toBeUndefined();
    expect(parseAmount("1e5")).toBeNull();
    expect(parseAmount("-1")).toBeNull();
    expect(parseAmount("0.0000000000000000001")).toBeNull();
  });
  it("gateway URLs only for ipfs:// and bare CIDs", () => {
    const g = "http://gw";
    expect(gatewayUrl("ipfs://bafkreiabc", g)).toBe("http://gw/ipfs/bafkreiabc");
    expect(gatewayUrl("ipfs://ipfs/bafkreiabc/x.png", g)).toBe("http://gw/ipfs/bafkreiabc/x.png");
    expect(gatewayUrl("javascript:alert(1)", g)).toBeNull();
    expect(gatewayUrl("https://evil.example/x.png", g)).toBeNull();
    expect(gatewayUrl(null, g)).toBeNull();
  });
});
