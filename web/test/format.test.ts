import { describe, expect, it } from "vitest";
import { formatDuration, formatPrice, parseAmount, shortAddress } from "../src/lib/format.ts";
import { gatewayUrl } from "../src/lib/config.ts";
import { deed } from "../src/lib/terms.ts";

describe("formatting", () => {
  it("prices in ETH and tokens", () => {
    expect(formatPrice(10n ** 16n, "0x0000000000000000000000000000000000000000")).toBe("0.01 ETH");
    expect(formatPrice(5n * 10n ** 18n, "0x5FbDB2315678afecb367f032d93F642f64180aa3", "MOCK")).toBe("5 MOCK");
    expect(formatPrice(1n, "0x5FbDB2315678afecb367f032d93F642f64180aa3")).toBe(
      "0.000000000000000001 tokens (0x5FbD…0aa3)",
    );
  });
  it("durations and addresses", () => {
    expect(formatDuration(0)).toBe("no expiry");
    expect(formatDuration(365 * 86_400)).toBe("1 year");
    expect(formatDuration(30 * 86_400)).toBe("1 month");
    expect(formatDuration(7200)).toBe("2 hours");
    expect(shortAddress("0x70997970C51812dc3A010C7d01b50e0d17dc79C8")).toBe("0x7099…79C8");
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

describe("terms in plain words (interim, until @atelier/explain)", () => {
  const base = {
    commercialUse: false,
    derivativesAllowed: false,
    attribution: false,
    aiTrainingAllowed: false,
    exclusive: false,
    transferable: false,
    duration: 0n,
    derivativeShareBps: 0,
  };
  it("every flag moves a line between can and can't", () => {
    for (let mask = 0; mask < 64; mask++) {
      const t = {
        ...base,
        commercialUse: !!(mask & 1),
        derivativesAllowed: !!(mask & 2),
        attribution: !!(mask & 4),
        aiTrainingAllowed: !!(mask & 8),
        exclusive: !!(mask & 16),
        transferable: !!(mask & 32),
      };
      const d = deed(t);
      expect(d.can.some((l) => l.includes("commercially"))).toBe(t.commercialUse);
      expect(d.cannot.some((l) => l.includes("commercially"))).toBe(!t.commercialUse);
      expect(d.can.some((l) => l.includes("derivative"))).toBe(t.derivativesAllowed);
      expect(d.can.some((l) => l.includes("train AI"))).toBe(t.aiTrainingAllowed);
      expect(d.can.some((l) => l.includes("only licensee"))).toBe(t.exclusive);
      expect(d.can.some((l) => l.includes("Transfer"))).toBe(t.transferable);
      expect(d.must.length).toBe(t.attribution ? 1 : 0);
    }
  });
  it("says when it expires and what derivatives pay", () => {
    expect(deed({ ...base, duration: 365n * 86_400n }).expires).toBe("Expires 1 year after purchase.");
    expect(deed(base).expires).toBe("Never expires.");
    expect(deed({ ...base, derivativesAllowed: true, derivativeShareBps: 1000 }).can.join(" ")).toContain(
      "pays 10%",
    );
  });
});
