/**
 * The licence deed: terms in three layers, like Creative Commons' deeds — plain language ("You can… /
 * You can't… / Expires…"), the machine-readable fields, and the link to the legal text.
 */
import { expiryCountdown, formatBps, formatDate, formatDuration } from "./format.ts";
import { flagsOfTerms, presetOf, type PresetName, type Terms } from "./terms.ts";

export interface DeedField {
  /** Field name as in `LicenseTerms.Terms` (or "flags"). */
  key: string;
  label: string;
  /** The value exactly as on chain, as text. */
  value: string;
}

export interface DeedContext {
  /** Licences sold on this offer so far. */
  sold?: number | bigint;
  /** The offer's supply cap; 0 or absent = unlimited. */
  maxSupply?: number | bigint;
  /**
   * What a sale of this work pays upwards to the works it was made from (`workInfo.effectiveShareBps`):
   * the buyer's price is split, so the buyer pays nothing extra, but the licensee should know.
   */
  ancestorShareBps?: number;
  /** A sold licence: its start and expiry (unix seconds; expiry 0 = perpetual), and "now" for the countdown. */
  licence?: { start: number | bigint; expiry: number | bigint; now?: number | bigint };
  /** Base URL of an HTTP IPFS gateway for the legal text link (e.g. "https://ipfs.io"). */
  gateway?: string;
}

export interface Deed {
  /** The preset's title, or "Custom licence". */
  title: string;
  preset?: PresetName;
  /** One line: "Commercial use, derivatives (10% revenue share), 1 year, credit required." */
  summary: string;
  can: string[];
  cannot: string[];
  /** Duty the licensee takes on. */
  must: string[];
  expiry: { perpetual: boolean; text: string };
  attribution: string;
  exclusivity: string;
  /** Present when derivatives are allowed. */
  derivativeShare?: string;
  /** Present when `ancestorShareBps` > 0. */
  ancestorShare?: string;
  /** Present when `sold` is known. */
  availability?: string;
  fields: DeedField[];
  legalText: { uri: string; href?: string; text: string };
}

/** `ipfs://<cid>[/path]` → `<gateway>/ipfs/<cid>[/path]`; http(s) URIs unchanged; anything else undefined. */
export function legalTextHref(uri: string, gateway?: string): string | undefined {
  if (/^https?:\/\//i.test(uri)) return uri;
  const m = /^ipfs:\/\/([a-z0-9]+)(\/.*)?$/i.exec(uri);
  if (!m || !gateway) return undefined;
  return `${gateway.replace(/\/+$/, "")}/ipfs/${m[1]}${m[2] ?? ""}`;
}

function durationText(terms: Terms, context: DeedContext): { perpetual: boolean; text: string } {
  const perpetual = BigInt(terms.duration) === 0n;
  if (context.licence) {
    const { start, expiry, now } = context.licence;
    const countdown = expiryCountdown(expiry, now);
    if (countdown.state === "perpetual")
      return { perpetual: true, text: `Perpetual: never expires (from ${formatDate(start)})` };
    return {
      perpetual: false,
      text: `${countdown.text} — valid from ${formatDate(start, { time: true })} to ${formatDate(expiry, { time: true })}`,
    };
  }
  if (perpetual) return { perpetual: true, text: "Perpetual: the licence never expires" };
  return { perpetual: false, text: `Expires ${formatDuration(terms.duration)} after purchase` };
}

/** The deed of `terms`, optionally with the offer's sales and a sold licence's dates. */
export function describeTerms(terms: Terms, context: DeedContext = {}): Deed {
  const preset = presetOf(terms);
  const can: string[] = [];
  const cannot: string[] = [];
  const must: string[] = [];
  const share = terms.derivativesAllowed ? terms.derivativeShareBps : 0;

  (terms.commercialUse ? can : cannot).push(
    terms.commercialUse
      ? "Use the work commercially: advertising, products, client work and anything else lawful"
      : "Use the work commercially — personal, non-commercial use only",
  );
  if (terms.derivativesAllowed) {
    can.push("Make new works from it: remixes, edits, AI variations and upscales");
    if (share > 0) {
      must.push(
        `Register each derivative on Atelier naming this licence: ${formatBps(share)} of its licence revenue is then paid to this work`,
      );
    }
  } else {
    cannot.push("Change it or make new works from it (no remixes, edits, AI variations or upscales)");
  }
  (terms.aiTrainingAllowed ? can : cannot).push(
    terms.aiTrainingAllowed
      ? "Use it to train, fine-tune or evaluate AI models"
      : "Use it to train, fine-tune or evaluate AI models",
  );
  (terms.transferable ? can : cannot).push(
    terms.transferable
      ? "Transfer the licence to another account"
      : "Transfer the licence: it stays with the account that bought it",
  );
  if (preset?.name === "aiTraining") {
    // From the preset's legal text: training data only.
    cannot.push(
      "Publish, sell or display the work itself; what a model trained on it outputs must not reproduce it",
    );
  }
  const attribution = terms.attribution
    ? "Credit the creator wherever the work is used"
    : "No credit to the creator required";
  if (terms.attribution) must.push(attribution);
  const exclusivity = terms.exclusive
    ? "Exclusive: only one licence is ever sold; after it, nobody else can license this work"
    : "Non-exclusive: others can license the same work";
  const expiry = durationText(terms, context);

  const deed: Deed = {
    title: preset ? presetTitle(preset.name) : "Custom licence",
    ...(preset ? { preset: preset.name } : {}),
    summary: summaryOf(terms, share),
    can,
    cannot,
    must,
    expiry,
    attribution,
    exclusivity,
    fields: fieldsOf(terms),
    legalText: legalTextOf(terms.legalTextUri, context.gateway),
  };
  if (terms.derivativesAllowed) {
    deed.derivativeShare =
      share > 0
        ? `Derivatives pay ${formatBps(share)} of their licence revenue to this work, automatically`
        : "Derivatives owe this work no revenue share";
  }
  if (context.ancestorShareBps !== undefined && context.ancestorShareBps > 0) {
    deed.ancestorShare = `This work was made from other works: ${formatBps(context.ancestorShareBps)} of the price goes to their owners (you pay the same price)`;
  }
  if (context.sold !== undefined) deed.availability = availabilityOf(terms, context.sold, context.maxSupply);
  return deed;
}

function presetTitle(name: PresetName): string {
  return (
    {
      personal: "Personal licence",
      commercial: "Commercial licence",
      commercialRemix: "Commercial + Remix licence",
      exclusiveBuyout: "Exclusive buyout",
      aiTraining: "AI training licence",
    } as const
  )[name];
}

function summaryOf(terms: Terms, share: number): string {
  const parts = [terms.commercialUse ? "Commercial use" : "Personal use only"];
  if (terms.derivativesAllowed)
    parts.push(share > 0 ? `derivatives (${formatBps(share)} revenue share)` : "derivatives");
  if (terms.aiTrainingAllowed) parts.push("AI training");
  if (terms.exclusive) parts.push("exclusive");
  if (terms.transferable) parts.push("transferable");
  parts.push(BigInt(terms.duration) === 0n ? "perpetual" : formatDuration(terms.duration));
  parts.push(terms.attribution ? "credit required" : "no credit required");
  return `${parts.join(", ")}.`;
}

function availabilityOf(terms: Terms, soldIn: number | bigint, maxIn: number | bigint | undefined): string {
  const sold = BigInt(soldIn);
  const max = terms.exclusive ? 1n : BigInt(maxIn ?? 0);
  if (terms.exclusive)
    return sold > 0n ? "Sold: the exclusive licence has been bought" : "Available: one exclusive licence";
  if (max === 0n) return `${sold} sold (no limit)`;
  const left = max - sold;
  return left > 0n ? `${sold} of ${max} sold — ${left} left` : `Sold out: all ${max} sold`;
}

function yesNo(value: boolean): string {
  return value ? "yes" : "no";
}

function fieldsOf(terms: Terms): DeedField[] {
  return [
    { key: "commercialUse", label: "Commercial use", value: yesNo(terms.commercialUse) },
    { key: "derivativesAllowed", label: "Derivatives allowed", value: yesNo(terms.derivativesAllowed) },
    { key: "attribution", label: "Attribution required", value: yesNo(terms.attribution) },
    { key: "aiTrainingAllowed", label: "AI training allowed", value: yesNo(terms.aiTrainingAllowed) },
    { key: "exclusive", label: "Exclusive", value: yesNo(terms.exclusive) },
    { key: "transferable", label: "Transferable", value: yesNo(terms.transferable) },
    {
      key: "duration",
      label: "Duration (seconds; 0 = perpetual)",
      value: BigInt(terms.duration).toString(),
    },
    {
      key: "derivativeShareBps",
      label: "Derivative revenue share (bps)",
      value: String(terms.derivativeShareBps),
    },
    { key: "flags", label: "Terms flags", value: String(flagsOfTerms(terms)) },
    { key: "legalTextUri", label: "Legal text URI", value: terms.legalTextUri || "(none)" },
  ];
}

function legalTextOf(uri: string, gateway: string | undefined): Deed["legalText"] {
  if (!uri)
    return {
      uri,
      text: "No legal text is attached to these terms: the fields above are the whole agreement",
    };
  const href = legalTextHref(uri, gateway);
  return { uri, ...(href ? { href } : {}), text: "Read the full legal text" };
}
