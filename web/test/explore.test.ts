import { describe, expect, it } from "vitest";
import { exploreSearch, hasFilters, parseExplore, rightsMask } from "../src/lib/explore.ts";

const parse = (s: string) => parseExplore(new URLSearchParams(s));

describe("explore URL state", () => {
  it("round-trips every filter through the URL", () => {
    const search =
      "?q=dunes&rights=commercial&rights=ai&model=1&creator=0x70997970c51812dc3a010c7d01b50e0d17dc79c8&min=0.01&max=2.5&currency=eth&source=generated&available=1&sort=oldest&after=12";
    const { query, problems } = parse(search);
    expect(problems).toEqual([]);
    expect(query.minPrice).toBe(10n ** 16n);
    expect(query.maxPrice).toBe(25n * 10n ** 17n);
    expect(rightsMask(query.rights)).toBe(9);
    expect(exploreSearch(query)).toBe(search);
  });
  it("ignores bad input and says what was wrong", () => {
    const { query, problems } = parse("min=abc&creator=bob&currency=gold&model=x&after=1;drop&rights=fly");
    expect(query.minPrice).toBeUndefined();
    expect(query.creator).toBe("");
    expect(query.after).toBe("");
    expect(query.rights).toEqual([]);
    expect(problems).toHaveLength(4);
    expect(problems.join("\n")).toMatch(/minimum price "abc" is not an amount/);
  });
  it("knows when a query filters and drops the cursor for the first page", () => {
    expect(hasFilters(parse("").query)).toBe(false);
    expect(hasFilters(parse("sort=oldest&after=3").query)).toBe(false);
    expect(hasFilters(parse("source=upload").query)).toBe(true);
    expect(exploreSearch(parse("source=upload&after=9").query, { after: "" })).toBe("?source=upload");
  });
});
