import { describe, expect, it } from "vitest";
import { workerNice } from "../embeddings/service.ts";

describe("the embedding worker's priority", () => {
  it("is the lowest by default, ATELIER_EMBEDDINGS_NICE overrides it, and a bad value says what to set", () => {
    expect(workerNice({})).toBe(19);
    expect(workerNice({ ATELIER_EMBEDDINGS_NICE: "0" })).toBe(0);
    expect(() => workerNice({ ATELIER_EMBEDDINGS_NICE: "fast" })).toThrow(/whole number from 0 .* to 19/);
    expect(() => workerNice({ ATELIER_EMBEDDINGS_NICE: "25" })).toThrow(/ATELIER_EMBEDDINGS_NICE is "25"/);
  });
});
