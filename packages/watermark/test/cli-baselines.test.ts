import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { synthImage } from "../src/bench/synth.ts";
import { main } from "../src/cli/main.ts";
import { writeImage } from "../src/node/io.ts";
import { baselineDecode, baselineEmbed } from "../src/baselines/invisible.ts";
import { psnr } from "../src/index.ts";

const dir = mkdtempSync(join(tmpdir(), "atelier-wm-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    const code = await main(args);
    return { code, out };
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
}

describe("CLI", () => {
  it("embeds into PNG and JPEG and detects with --json", async () => {
    const src = join(dir, "in.png");
    await writeImage(src, synthImage(400, 300, 21, 0.6));
    for (const ext of ["png", "jpg"]) {
      const out = join(dir, `out.${ext}`);
      expect((await run(["embed", "--in", src, "--out", out, "--payload", "0102030405060708"])).code).toBe(0);
      const r = await run(["detect", "--in", out, "--json"]);
      const j = JSON.parse(r.out) as Record<string, unknown>;
      expect(Object.keys(j)).toEqual([
        "found",
        "payload",
        "confidence",
        "bitErrors",
        "watermarkId",
        "lookup",
      ]);
      expect(j.watermarkId).toBe(String(0x02030405060708n));
      expect(j.lookup).toBeNull(); // no --rpc: nothing asked of a chain
      expect(j.found).toBe(true);
      expect(j.payload).toBe("0102030405060708");
      expect(typeof j.confidence).toBe("number");
      expect(typeof j.bitErrors).toBe("number");
    }
    const none = JSON.parse((await run(["detect", "--in", src, "--json"])).out) as Record<string, unknown>;
    expect(none).toEqual({
      found: false,
      payload: null,
      confidence: 0,
      bitErrors: 0,
      watermarkId: null,
      lookup: null,
    });
  });

  it("phash prints 16 hex digits; bench writes the documented JSON shape", async () => {
    const src = join(dir, "in.png");
    const ph = await run(["phash", "--in", src]);
    expect(ph.out.trim()).toMatch(/^[0-9a-f]{16}$/);
    const imgDir = join(dir, "imgs");
    mkdirSync(imgDir);
    await writeImage(join(imgDir, "a.png"), synthImage(320, 240, 31, 0.6));
    await writeImage(join(imgDir, "b.jpg"), synthImage(300, 300, 32, 0.5));
    const json = join(dir, "bench.json");
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      const args = ["bench", "--images", imgDir, "--json", json, "--trials", "3", "--timing-runs", "1"];
      expect((await run([...args, "--attacks", "none,jpeg75,crop0.5"])).code).toBe(0);
    } finally {
      log.mockRestore();
    }
    const res = JSON.parse(readFileSync(json, "utf8")) as {
      methods: Record<string, Record<string, unknown> & { attacks: Record<string, Record<string, number>> }>;
    };
    expect(Object.keys(res.methods)).toEqual(["atelier", "dwtDct", "dwtDctSvd"]);
    for (const m of Object.values(res.methods)) {
      for (const k of ["psnr", "psnrMin", "embedMs", "detectMs"]) expect(typeof m[k]).toBe("number");
      expect(m.falsePositives).toMatchObject({ trials: 3 });
      expect(Object.keys(m.attacks)).toEqual(["none", "jpeg75", "crop0.5"]);
      for (const a of Object.values(m.attacks)) {
        expect(a.bitAccuracy).toBeGreaterThanOrEqual(0);
        expect(a.bitAccuracy).toBeLessThanOrEqual(1);
        expect(a.exactRecovery).toBeGreaterThanOrEqual(0);
        expect(a.exactRecovery).toBeLessThanOrEqual(1);
      }
    }
    expect(res.methods.atelier!.attacks.none!.exactRecovery).toBe(1);
    expect((res.methods.atelier!.falsePositives as { hits: number }).hits).toBe(0);
  }, 240_000); // a whole bench (three methods, timing at 1024²) on a shared machine

  it("prints help and rejects bad usage", async () => {
    expect((await run(["--help"])).out).toMatch(/embed {2}--in FILE --out FILE --payload HEX/);
    await expect(run(["embed", "--in", "a.png", "--out", "b.png", "--payload", "12"])).rejects.toThrow(
      /16 hex digits/,
    );
    await expect(
      run(["embed", "--in", "a.png", "--out", "b.gif", "--payload", "0102030405060708"]),
    ).rejects.toThrow(/extension/);
    await expect(run(["detect", "--in", join(dir, "missing.png")])).rejects.toThrow(/cannot read/);
    await expect(run(["frobnicate"])).rejects.toThrow(/unknown command/);
    await expect(run(["detect", "--in", "x.png", "--bogus"])).rejects.toThrow(/unknown option/);
    await expect(run(["detect", "--in", "x.png", "--deployment", "d.json"])).rejects.toThrow(/needs --rpc/);
  });

  it("detect --rpc refuses a URL that is not http(s)/ws(s) and names an unreachable chain", async () => {
    const src = join(dir, "marked.png");
    await writeImage(src, synthImage(300, 300, 5, 0.6));
    const marked = join(dir, "marked-out.png");
    await run(["embed", "--in", src, "--out", marked, "--payload", "0100000000000007"]);
    await expect(run(["detect", "--in", marked, "--rpc", "ftp://x"])).rejects.toThrow(/http\(s\) or ws\(s\)/);
    await expect(run(["detect", "--in", marked, "--rpc", "http://127.0.0.1:9"])).rejects.toThrow(
      /cannot reach the chain at http:\/\/127\.0\.0\.1:9/,
    );
  });
});

describe("invisible-watermark baselines", () => {
  it("dwtDctSvd round-trips without attack and costs PSNR like the original", () => {
    const img = synthImage(256, 256, 4, 0.6);
    const p = 0x0123456789abcdefn;
    const m = baselineEmbed(img, p, "dwtDctSvd");
    expect(baselineDecode(m, "dwtDctSvd")).toBe(p);
    expect(psnr(img, m)).toBeLessThan(46);
    const m2 = baselineEmbed(img, p, "dwtDct");
    expect(typeof baselineDecode(m2, "dwtDct")).toBe("bigint");
  });
});
