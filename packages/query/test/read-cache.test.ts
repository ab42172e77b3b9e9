/** The read cache's rules: answers only at their own head, bounded, computed once, fresh reads never early. */
import { describe, expect, it } from "vitest";
import {
  etagMatches,
  etagOf,
  freshReader,
  ReadCache,
  serveFromCache,
  wantsFresh,
  type CachedAnswer,
} from "../src/read-cache.ts";

const answerOf = (text: string): CachedAnswer => {
  const body = new TextEncoder().encode(text);
  return { status: 200, headers: [["content-type", "text/plain"]], body, etag: etagOf(body) };
};
const text = (a: CachedAnswer | undefined) => (a ? new TextDecoder().decode(a.body) : undefined);

describe("ReadCache", () => {
  it("serves an answer only at the head it was computed at", async () => {
    const cache = new ReadCache();
    let computed = 0;
    const compute = (v: string) => async () => (computed++, answerOf(v));
    expect((await cache.get("q", "h1", compute("a"))).hit).toBe(false);
    const again = await cache.get("q", "h1", compute("not used"));
    expect([again.hit, text(again.answer)]).toEqual([true, "a"]);
    const moved = await cache.get("q", "h2", compute("b"));
    expect([moved.hit, text(moved.answer)]).toEqual([false, "b"]);
    expect(computed).toBe(2);
    // The old head's answer is gone: a reader still at h1 computes again rather than get h2's answer.
    expect(cache.peek("q", "h1")).toBeUndefined();
  });

  it("computes concurrent misses of one key and head once", async () => {
    const cache = new ReadCache();
    let computed = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const compute = async () => {
      computed++;
      await gate;
      return answerOf("x");
    };
    const all = Promise.all(Array.from({ length: 20 }, () => cache.get("q", "h", compute)));
    release();
    const results = await all;
    expect(computed).toBe(1);
    expect(results.every((r) => text(r.answer) === "x")).toBe(true);
  });

  it("keeps nothing a computation declines, and recomputes on a fresh request", async () => {
    const cache = new ReadCache();
    expect((await cache.get("q", "h", async () => undefined)).answer).toBeUndefined();
    expect(cache.stats().entries).toBe(0);
    await cache.get("q", "h", async () => answerOf("old"));
    const fresh = await cache.get("q", "h", async () => answerOf("new"), { fresh: true });
    expect([fresh.hit, text(fresh.answer), text(cache.peek("q", "h"))]).toEqual([false, "new", "new"]);
  });

  it("stays within its byte and entry bounds, evicting the least recently used", async () => {
    const cache = new ReadCache({ maxBytes: 64 * 1024, maxEntries: 1_000 });
    const kilobyte = "k".repeat(1024);
    for (let i = 0; i < 500; i++) await cache.get(`q${i}`, "h", async () => answerOf(kilobyte));
    const { bytes, entries } = cache.stats();
    expect(bytes).toBeLessThanOrEqual(64 * 1024);
    expect(entries).toBeGreaterThan(10);
    expect(entries).toBeLessThan(64);
    expect(cache.peek("q0", "h")).toBeUndefined();
    expect(text(cache.peek("q499", "h"))).toBe(kilobyte);

    const few = new ReadCache({ maxEntries: 3 });
    for (let i = 0; i < 10; i++) await few.get(`q${i}`, "h", async () => answerOf("x"));
    expect(few.stats().entries).toBe(3);
  });

  it("does not keep an answer larger than maxBodyBytes, but still returns it", async () => {
    const cache = new ReadCache({ maxBodyBytes: 10 });
    const got = await cache.get("q", "h", async () => answerOf("more than ten bytes"));
    expect(text(got.answer)).toBe("more than ten bytes");
    expect(cache.stats().entries).toBe(0);
  });
});

describe("serveFromCache", () => {
  const handler = () => {
    const calls = { built: 0, passed: 0 };
    return {
      calls,
      serve: (
        cache: ReadCache,
        opts: { head?: () => Promise<string>; storable?: boolean; headers?: Record<string, string> } = {},
      ) =>
        serveFromCache<string>({
          cache,
          key: "GET /page",
          head: opts.head ?? (async () => "h1"),
          build: async () => {
            calls.built++;
            return { own: "built", answer: opts.storable === false ? undefined : answerOf("page") };
          },
          passThrough: async () => (calls.passed++, "passed"),
          headers: new Headers(opts.headers),
        }),
    };
  };

  it("builds once, then answers from the cache with its ETag, and a 304 to a client that holds it", async () => {
    const cache = new ReadCache();
    const { calls, serve } = handler();
    const first = (await serve(cache)) as Response;
    expect([first.status, first.headers.get("x-cache"), await first.text()]).toEqual([200, "miss", "page"]);
    const again = (await serve(cache)) as Response;
    expect([again.headers.get("x-cache"), await again.text()]).toEqual(["hit", "page"]);
    const etag = again.headers.get("etag")!;
    expect(((await serve(cache, { headers: { "if-none-match": etag } })) as Response).status).toBe(304);
    const fresh = (await serve(cache, { headers: { "cache-control": "no-cache" } })) as Response;
    expect(fresh.headers.get("x-cache")).toBe("miss");
    expect(calls).toEqual({ built: 2, passed: 0 });
  });

  it("gives an unstorable build back to its own request, and serves without the cache when the head fails", async () => {
    const cache = new ReadCache();
    const { calls, serve } = handler();
    expect(await serve(cache, { storable: false })).toBe("built");
    expect(calls).toEqual({ built: 1, passed: 0 });
    const down = async () => {
      throw new Error("index down");
    };
    expect(await serve(cache, { head: down })).toBe("passed");
    expect(calls).toEqual({ built: 1, passed: 1 });
    expect(cache.stats().entries).toBe(0);
  });
});

describe("freshReader", () => {
  it("never hands a caller a read that began before it asked", async () => {
    let started = 0;
    const releases: (() => void)[] = [];
    const read = freshReader(
      () =>
        new Promise<number>((resolve) => {
          const n = ++started;
          releases.push(() => resolve(n));
        }),
    );
    const first = read(); // starts read 1
    const second = read(); // read 1 is in flight: waits for read 2
    const third = read(); // shares read 2
    expect(started).toBe(1);
    releases[0]!();
    expect(await first).toBe(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toBe(2);
    releases[1]!();
    expect([await second, await third]).toEqual([2, 2]);
  });

  it("passes a failed read to its callers and reads again next time", async () => {
    let calls = 0;
    const read = freshReader(async () => {
      calls++;
      if (calls === 1) throw new Error("index down");
      return calls;
    });
    await expect(read()).rejects.toThrow("index down");
    expect(await read()).toBe(2);
  });
});

describe("validators", () => {
  it("matches If-None-Match lists, weak tags and *", () => {
    const tag = etagOf(new TextEncoder().encode("page"));
    expect(etagMatches(tag, tag)).toBe(true);
    expect(etagMatches(`"other", W/${tag}`, tag)).toBe(true);
    expect(etagMatches("*", tag)).toBe(true);
    expect(etagMatches(`"other"`, tag)).toBe(false);
    expect(etagMatches(null, tag)).toBe(false);
    expect(etagOf(new TextEncoder().encode("page2"))).not.toBe(tag);
  });

  it("reads Cache-Control: no-cache as a request for a fresh answer", () => {
    expect(wantsFresh("no-cache")).toBe(true);
    expect(wantsFresh("max-age=0, no-cache")).toBe(true);
    expect(wantsFresh("max-age=0")).toBe(false);
    expect(wantsFresh(null)).toBe(false);
  });
});
