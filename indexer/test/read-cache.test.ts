/**
 * The API's read cache on a running index (a Hardhat chain, Ponder on PGlite, the scenario's market):
 * an identical query is answered from memory while the checkpoint stands, byte for byte what an
 * uncached answer says; the first query after Ponder has indexed a new sale shows the sale.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSaleStack, type SaleStack } from "../test-support/sales.ts";

const queryOf = (work: bigint) =>
  `{ works(where: { id: "${work}" }) { items { id licensesSold } } licenses(where: { work: "${work}" }) { totalCount } }`;

describe("read cache of the indexer's API", () => {
  let stack: SaleStack;
  let QUERY: string;

  beforeAll(async () => {
    stack = await startSaleStack();
    QUERY = queryOf(stack.sale.work);
  }, 600_000);

  afterAll(async () => {
    await stack?.stop();
  });

  const ask = (headers: Record<string, string> = {}) =>
    fetch(`${stack.ponder.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query: QUERY }),
    });
  const sold = async (response: Response) => {
    const body = (await response.json()) as {
      data: { works: { items: { licensesSold: number }[] }; licenses: { totalCount: number } };
    };
    return [body.data.works.items[0]!.licensesSold, body.data.licenses.totalCount];
  };

  it("answers an identical query from memory, the same bytes as an uncached answer, with ETag and 304", async () => {
    const first = await ask();
    const firstBytes = await first.text();
    const second = await ask();
    const secondBytes = await second.text();
    const uncached = await ask({ "cache-control": "no-cache" });
    expect(second.headers.get("x-cache")).toBe("hit");
    expect(uncached.headers.get("x-cache")).toBe("miss");
    expect(secondBytes).toBe(firstBytes);
    expect(await uncached.text()).toBe(firstBytes);
    // A hit is written to the socket by the cache itself: with the headers Ponder's middleware set too.
    expect(second.headers.get("access-control-allow-origin")).toBe("*");
    expect(second.headers.get("content-length")).toBe(String(Buffer.byteLength(secondBytes)));
    expect(second.headers.get("content-type")).toBe(uncached.headers.get("content-type"));
    const etag = second.headers.get("etag")!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(second.headers.get("cache-control")).toContain("must-revalidate");
    const revalidated = await ask({ "if-none-match": etag });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe("");
  });

  it("caches POST /list batches the same way", async () => {
    const list = (headers: Record<string, string> = {}) =>
      fetch(`${stack.ponder.url}/list`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({
          requests: [
            {
              entity: "Work",
              fields: ["id", "licensesSold"],
              options: { where: { id: String(stack.sale.work) }, first: 1 },
            },
          ],
        }),
      });
    const a = await list();
    const b = await list();
    expect(b.headers.get("x-cache")).toBe("hit");
    expect(await b.text()).toBe(await a.text());
  });

  it("shows a new sale on the first query after Ponder has indexed its block", async () => {
    const before = await sold(await ask());
    expect((await ask()).headers.get("x-cache")).toBe("hit");
    const block = await stack.buy();
    // "Ponder has it": its /status (read from its database) names the sale's block.
    await stack.ponder.waitForBlock(block);
    const after = await ask();
    expect(after.headers.get("x-cache")).toBe("miss");
    expect(await sold(after)).toEqual([before[0]! + 1, before[1]! + 1]);
    const head = (await (await fetch(`${stack.ponder.url}/head`)).json()) as { block: number };
    expect(BigInt(head.block)).toBeGreaterThanOrEqual(block);
  });
});
