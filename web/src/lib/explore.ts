/**
 * Explore's state lives in the URL (shareable, back button works): this parses and writes it.
 * Pure, so the server load and the unit tests share it.
 */
import { parseAmount } from "./format.ts";

export const RIGHTS = { commercial: 1, derivatives: 2, ai: 8 } as const;
export type Right = keyof typeof RIGHTS;
export type Sort = "newest" | "oldest";

export interface ExploreQuery {
  q: string;
  rights: Right[];
  model: string;
  creator: string;
  minPrice: bigint | undefined;
  maxPrice: bigint | undefined;
  currency: "" | "eth" | `0x${string}`;
  source: "" | "upload" | "generated";
  available: boolean;
  sort: Sort;
  after: string;
}

export interface ParsedExplore {
  query: ExploreQuery;
  /** Inputs that were ignored, each with what was wrong. */
  problems: string[];
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

export function parseExplore(params: URLSearchParams): ParsedExplore {
  const problems: string[] = [];
  const text = (name: string) => (params.get(name) ?? "").trim();
  const rights = params
    .getAll("rights")
    .filter((r): r is Right => r in RIGHTS)
    .filter((r, i, all) => all.indexOf(r) === i);
  const price = (name: string, label: string) => {
    const parsed = parseAmount(params.get(name));
    if (parsed === null) {
      problems.push(`${label} "${text(name)}" is not an amount: type a number such as 0.05`);
      return undefined;
    }
    return parsed;
  };
  const creator = text("creator");
  if (creator && !ADDRESS.test(creator))
    problems.push(`creator "${creator}" is not an address (0x + 40 hex digits)`);
  const currencyText = text("currency").toLowerCase();
  let currency: ExploreQuery["currency"] = "";
  if (currencyText === "eth") currency = "eth";
  else if (ADDRESS.test(currencyText)) currency = currencyText as `0x${string}`;
  else if (currencyText) problems.push(`currency "${currencyText}" is neither ETH nor a token address`);
  const model = text("model");
  if (model && !/^\d{1,10}$/.test(model)) problems.push(`model "${model}" is not a model number`);
  const after = text("after");
  const source = text("source");
  return {
    query: {
      q: text("q").slice(0, 200),
      rights,
      model: /^\d{1,10}$/.test(model) ? model : "",
      creator: ADDRESS.test(creator) ? creator.toLowerCase() : "",
      minPrice: price("min", "minimum price"),
      maxPrice: price("max", "maximum price"),
      currency,
      source: source === "upload" || source === "generated" ? source : "",
      available: params.get("available") === "1",
      sort: params.get("sort") === "oldest" ? "oldest" : "newest",
      after: /^\d{1,78}$/.test(after) ? after : "",
    },
    problems,
  };
}

/** The rights bitmask the query layer filters on (0 = any). */
export function rightsMask(rights: Right[]): number {
  return rights.reduce((mask, r) => mask | RIGHTS[r], 0);
}

/** The URL search string of a query (empty fields left out), e.g. for the next page's link. */
export function exploreSearch(query: ExploreQuery, patch: Partial<ExploreQuery> = {}): string {
  const q = { ...query, ...patch };
  const out = new URLSearchParams();
  if (q.q) out.set("q", q.q);
  for (const r of q.rights) out.append("rights", r);
  if (q.model) out.set("model", q.model);
  if (q.creator) out.set("creator", q.creator);
  if (q.minPrice !== undefined) out.set("min", formatEthInput(q.minPrice));
  if (q.maxPrice !== undefined) out.set("max", formatEthInput(q.maxPrice));
  if (q.currency) out.set("currency", q.currency);
  if (q.source) out.set("source", q.source);
  if (q.available) out.set("available", "1");
  if (q.sort !== "newest") out.set("sort", q.sort);
  if (q.after) out.set("after", q.after);
  const s = out.toString();
  return s ? `?${s}` : "";
}

function formatEthInput(wei: bigint): string {
  const whole = wei / 10n ** 18n;
  const fraction = (wei % 10n ** 18n).toString().padStart(18, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

export function hasFilters(query: ExploreQuery): boolean {
  return exploreSearch({ ...query, sort: "newest", after: "" }) !== "";
}
