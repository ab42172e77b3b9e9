import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { TERMS_PRESETS } from "@atelier/protocol";
import {
  ALL_FLAG_COMBINATIONS,
  PRESETS,
  TERMS_FLAG,
  describeTerms,
  flagsOfTerms,
  legalTextHref,
  presetOf,
  termsFromFlags,
  type Terms,
} from "../src/index.ts";

const YEAR = 365 * 86_400;
const REPO = path.resolve(import.meta.dirname, "../../..");

describe("presets", () => {
  it("are the protocol's preset table, which the deployment registers, each with its legal text", () => {
    // contracts/test/ignition.test.ts checks the deployed terms against the same table
    expect(PRESETS).toBe(TERMS_PRESETS);
    for (const preset of PRESETS) {
      const text = readFileSync(path.join(REPO, "contracts/terms", preset.legalTextFolder, "v1.md"), "utf8");
      expect(text, preset.name).toMatch(/## In plain language/);
    }
  });

  it("each preset reads as its legal text's plain-language summary says", () => {
    const deeds = Object.fromEntries(
      PRESETS.map((p) => [p.name, describeTerms({ ...p.terms, legalTextUri: "ipfs://bafkreiexample" })]),
    );
    expect(deeds.personal!.title).toBe("Personal licence");
    expect(deeds.personal!.cannot.join(" ")).toMatch(/commercially/);
    expect(deeds.personal!.expiry).toEqual({ perpetual: true, text: "Perpetual: the licence never expires" });
    expect(deeds.personal!.must).toContain("Credit the creator wherever the work is used");
    expect(deeds.commercial!.can[0]).toMatch(/^Use the work commercially/);
    expect(deeds.commercial!.expiry.text).toBe("Expires 1 year after purchase");
    expect(deeds.commercialRemix!.must.join(" ")).toContain("10% of its licence revenue");
    expect(deeds.commercialRemix!.derivativeShare).toBe(
      "Derivatives pay 10% of their licence revenue to this work, automatically",
    );
    expect(deeds.exclusiveBuyout!.exclusivity).toMatch(/^Exclusive: only one licence/);
    expect(deeds.exclusiveBuyout!.can).toContain("Transfer the licence to another account");
    expect(deeds.exclusiveBuyout!.attribution).toBe("No credit to the creator required");
    expect(deeds.aiTraining!.can).toEqual(["Use it to train, fine-tune or evaluate AI models"]);
    expect(deeds.aiTraining!.cannot.join(" ")).toMatch(/display the work itself/);
    expect(deeds.aiTraining!.summary).toBe("Personal use only, AI training, 1 year, no credit required.");
    for (const p of PRESETS) {
      expect(deeds[p.name]!.preset).toBe(p.name);
      const legal = readFileSync(path.join(REPO, "contracts/terms", p.legalTextFolder, "v1.md"), "utf8");
      // The legal text's own plain-language summary agrees with the deed on duration, transfer, credit, share.
      const summary = legal.split("## Definitions")[0]!;
      const deed = deeds[p.name]!;
      expect(/lasts one year/.test(summary), p.name).toBe(
        deed.expiry.text === "Expires 1 year after purchase",
      );
      expect(/never expires|forever/.test(summary), p.name).toBe(deed.expiry.perpetual);
      expect(/cannot be transferred/.test(summary), p.name).toBe(
        deed.cannot.some((s) => s.startsWith("Transfer")),
      );
      expect(/must credit/.test(summary), p.name).toBe(p.terms.attribution);
      expect(/10%/.test(summary), p.name).toBe((deed.derivativeShare ?? "").includes("10%"));
      expect(/train AI models|machine-learning models/.test(summary), p.name).toBe(true);
    }
  });
});

describe("every flag combination", () => {
  const cases = ALL_FLAG_COMBINATIONS.flatMap((flags) =>
    [0, YEAR, 30 * 86_400].flatMap((duration) => [0, 1000, 250].map((share) => ({ flags, duration, share }))),
  );

  it.each(cases)("flags $flags, duration $duration, share $share", ({ flags, duration, share }) => {
    const terms: Terms = termsFromFlags(flags, {
      duration,
      derivativeShareBps: share,
      legalTextUri: "ipfs://bafkreiabc",
    });
    expect(flagsOfTerms(terms)).toBe(flags);
    const deed = describeTerms(terms, { gateway: "http://127.0.0.1:8080/" });
    const text = [...deed.can, ...deed.cannot].join("\n");

    // Each right is stated exactly once, on the side its flag says.
    const rights: [number, RegExp][] = [
      [TERMS_FLAG.commercial, /commercially/],
      [TERMS_FLAG.derivatives, /new works from it/],
      [TERMS_FLAG.aiTraining, /AI models/],
      [TERMS_FLAG.transferable, /Transfer the licence/],
    ];
    for (const [bit, pattern] of rights) {
      const side = (flags & bit) !== 0 ? deed.can : deed.cannot;
      const other = (flags & bit) !== 0 ? deed.cannot : deed.can;
      expect(side.filter((s) => pattern.test(s))).toHaveLength(1);
      expect(other.some((s) => pattern.test(s))).toBe(false);
    }
    expect(text).not.toMatch(/undefined|NaN/);
    expect(deed.can.length + deed.cannot.length).toBe(presetOf(terms)?.name === "aiTraining" ? 5 : 4);

    expect(deed.attribution).toBe(
      (flags & TERMS_FLAG.attribution) !== 0
        ? "Credit the creator wherever the work is used"
        : "No credit to the creator required",
    );
    expect(deed.must.includes("Credit the creator wherever the work is used")).toBe(
      (flags & TERMS_FLAG.attribution) !== 0,
    );
    expect(
      deed.exclusivity.startsWith((flags & TERMS_FLAG.exclusive) !== 0 ? "Exclusive" : "Non-exclusive"),
    ).toBe(true);
    expect(deed.expiry.perpetual).toBe(duration === 0);
    expect(deed.expiry.text).toBe(
      duration === 0
        ? "Perpetual: the licence never expires"
        : `Expires ${duration === YEAR ? "1 year" : "1 month"} after purchase`,
    );

    const derivatives = (flags & TERMS_FLAG.derivatives) !== 0;
    if (derivatives && share > 0) {
      expect(deed.derivativeShare).toContain(share === 1000 ? "10%" : "2.5%");
      expect(deed.must.some((m) => m.startsWith("Register each derivative"))).toBe(true);
    } else {
      expect(deed.must.some((m) => m.startsWith("Register each derivative"))).toBe(false);
      if (derivatives) expect(deed.derivativeShare).toBe("Derivatives owe this work no revenue share");
      else expect(deed.derivativeShare).toBeUndefined();
    }

    // Machine-readable layer: the fields are the terms, verbatim.
    const field = (key: string) => deed.fields.find((f) => f.key === key)?.value;
    expect(field("flags")).toBe(String(flags));
    expect(field("commercialUse")).toBe((flags & 1) !== 0 ? "yes" : "no");
    expect(field("transferable")).toBe((flags & 32) !== 0 ? "yes" : "no");
    expect(field("duration")).toBe(String(duration));
    expect(field("derivativeShareBps")).toBe(String(share));
    expect(deed.legalText).toEqual({
      uri: "ipfs://bafkreiabc",
      href: "http://127.0.0.1:8080/ipfs/bafkreiabc",
      text: "Read the full legal text",
    });

    // A preset title only for the exact preset combinations.
    const preset = presetOf(terms);
    expect(deed.title).toBe(preset ? deed.title : "Custom licence");
    if (preset) expect(flagsOfTerms({ ...preset.terms, legalTextUri: "" })).toBe(flags);
  });
});

describe("context", () => {
  const remix = { ...PRESETS[2]!.terms, legalTextUri: "" };

  it("sold counts, supply and exclusivity", () => {
    expect(describeTerms(remix, { sold: 3, maxSupply: 10 }).availability).toBe("3 of 10 sold — 7 left");
    expect(describeTerms(remix, { sold: 10n, maxSupply: 10n }).availability).toBe("Sold out: all 10 sold");
    expect(describeTerms(remix, { sold: 12 }).availability).toBe("12 sold (no limit)");
    const exclusive = { ...PRESETS[3]!.terms, legalTextUri: "" };
    expect(describeTerms(exclusive, { sold: 0, maxSupply: 5 }).availability).toBe(
      "Available: one exclusive licence",
    );
    expect(describeTerms(exclusive, { sold: 1 }).availability).toBe(
      "Sold: the exclusive licence has been bought",
    );
  });

  it("revenue share to ancestors and a sold licence's dates", () => {
    const deed = describeTerms(remix, {
      ancestorShareBps: 1900,
      licence: { start: 1_764_590_400, expiry: 1_764_590_400 + YEAR, now: 1_764_590_400 + 86_400 },
    });
    expect(deed.ancestorShare).toBe(
      "This work was made from other works: 19% of the price goes to their owners (you pay the same price)",
    );
    expect(deed.expiry.text).toBe(
      "Expires in 12 months 4 days — valid from 1 Dec 2025, 12:00 UTC to 1 Dec 2026, 12:00 UTC",
    );
    expect(describeTerms(remix, { ancestorShareBps: 0 }).ancestorShare).toBeUndefined();
    const expired = describeTerms(remix, { licence: { start: 0, expiry: 100, now: 100 + 7200 } });
    expect(expired.expiry.text).toMatch(/^Expired 2 hours ago/);
  });

  it("no legal text, and links only to gateways it is given", () => {
    expect(describeTerms(remix).legalText.text).toMatch(/No legal text/);
    expect(legalTextHref("ipfs://bafkreiabc")).toBeUndefined();
    expect(legalTextHref("https://example.org/terms")).toBe("https://example.org/terms");
    expect(legalTextHref("javascript:alert(1)", "https://gw")).toBeUndefined();
  });

  it("rejects flag bytes outside 0…63", () => {
    expect(() => termsFromFlags(64)).toThrow(/6-bit/);
    expect(() => termsFromFlags(-1)).toThrow(/6-bit/);
  });
});
