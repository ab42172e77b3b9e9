import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import pino from "pino";
import { ConfigError, loadConfig, Secret, workersFor } from "../src/config.ts";
import { REDACT } from "../src/logger.ts";
import { PromptPolicy } from "../src/safety/policy.ts";

const KEY = "0x" + "11".repeat(32);

describe("config", () => {
  it("loads file + env, resolves paths, and never prints the key", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-cfg-"));
    const file = path.join(dir, "atelier-node.json");
    await writeFile(file, JSON.stringify({ rpcUrl: "http://127.0.0.1:8545", models: [{ id: 1 }] }));
    const cfg = loadConfig({ file, env: { ATELIER_NODE_PRIVATE_KEY: KEY, ATELIER_NODE_CONCURRENCY: "7" } });
    expect(cfg.concurrency).toBe(7);
    expect(cfg.models[0]!.id).toBe(1n);
    expect(cfg.dataDir).toBe(path.join(dir, ".atelier-node"));
    expect(cfg.privateKey.reveal()).toBe(KEY);
    const printed =
      JSON.stringify(cfg, (_k, v) => (typeof v === "bigint" ? v.toString() : v)) +
      inspect(cfg) +
      String(cfg.privateKey);
    expect(printed).not.toContain("11".repeat(32));
  });

  it("workers: auto by default (one per core, at most 4; one for upscale models), or a number", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-cfg-"));
    const file = path.join(dir, "atelier-node.json");
    await writeFile(file, JSON.stringify({ rpcUrl: "http://127.0.0.1:8545", models: [{ id: 1 }] }));
    const env = { ATELIER_NODE_PRIVATE_KEY: KEY };
    expect(loadConfig({ file, env }).workers).toBe("auto");
    expect(workersFor("auto", "art", 2)).toBe(2);
    expect(workersFor("auto", "art", 16)).toBe(4);
    expect(workersFor("auto", "cppn", 1)).toBe(1);
    expect(workersFor("auto", "upscale", 16)).toBe(1);
    expect(workersFor(3, "upscale", 2)).toBe(3);
    expect(loadConfig({ file, env: { ...env, ATELIER_NODE_WORKERS: "3" } }).workers).toBe(3);
    expect(() => loadConfig({ file, env: { ...env, ATELIER_NODE_WORKERS: "many" } })).toThrow(
      /setting "workers" \(environment variable ATELIER_NODE_WORKERS\)/,
    );
  });

  it("logs redact key material", () => {
    const lines: string[] = [];
    const log = pino(
      { redact: { paths: REDACT, censor: "[redacted]" } },
      { write: (l: string) => lines.push(l) },
    );
    const cfg = { privateKey: new Secret(KEY), rpcUrl: "http://x" };
    log.info(
      { config: cfg, privateKey: KEY, account: { privateKey: KEY }, mnemonic: "test test junk" },
      "start",
    );
    expect(lines.join("")).not.toContain("11".repeat(32));
    expect(lines.join("")).not.toContain("junk");
    expect(lines.join("")).toContain("[redacted]");
  });

  it("names the bad setting and its source", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-cfg-"));
    const file = path.join(dir, "atelier-node.json");
    await writeFile(
      file,
      JSON.stringify({ rpcUrl: "not a url", models: [{ id: 1 }], safety: { threshold: 3 } }),
    );
    const err = (() => {
      try {
        loadConfig({ file, env: { ATELIER_NODE_PRIVATE_KEY: KEY, ATELIER_NODE_PROVIDER: "tpu" } });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.message).toMatch(/setting "rpcUrl" \(config file/);
    expect(err!.message).toMatch(/setting "safety.threshold"/);
    expect(err!.message).toMatch(/setting "provider" \(environment variable ATELIER_NODE_PROVIDER\)/);
    expect(() => loadConfig({ file: path.join(dir, "missing.json"), env: {} })).toThrow(/does not exist/);
    await writeFile(file, JSON.stringify({ rpcUrl: "http://x", models: [{ id: 1 }] }));
    expect(() => loadConfig({ file, env: { ATELIER_NODE_PRIVATE_KEY: "0x1234" } })).toThrow(/64 hex digits/);
    expect(() => loadConfig({ file, env: {} })).toThrow(/no private key/);
  });

  const errorOf = (fn: () => unknown): Error => {
    try {
      fn();
    } catch (e) {
      return e as Error;
    }
    throw new Error("expected an error");
  };

  it("refuses unknown settings, naming the key, its source and the nearest valid key", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-cfg-"));
    const file = path.join(dir, "atelier-node.json");
    await writeFile(
      file,
      JSON.stringify({
        rpcUrl: "http://127.0.0.1:8545",
        models: [{ id: 1, minFee: "5" }],
        concurency: 8,
        htpp: { port: 1 },
        safety: { treshold: 0.5 },
      }),
    );
    const env = {
      ATELIER_NODE_PRIVATE_KEY: KEY,
      ATELIER_NODE_MODELS: JSON.stringify([{ id: 1, manifset: "builtin:cppn" }]),
    };
    const err = errorOf(() => loadConfig({ file, env: { ATELIER_NODE_PRIVATE_KEY: KEY } }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain(
      `unknown setting "concurency" (config file ${file}): did you mean "concurrency"?`,
    );
    expect(err.message).toContain(`unknown setting "htpp" (config file ${file}): did you mean "http"?`);
    expect(err.message).toContain(
      `unknown setting "safety.treshold" (config file ${file}): did you mean "safety.threshold"?`,
    );
    expect(err.message).toContain(
      `unknown setting "models.0.minFee" (config file ${file}): did you mean "models.0.minFeeWei"?`,
    );
    const fromEnv = errorOf(() => loadConfig({ file, env }));
    expect(fromEnv.message).toContain(
      `unknown setting "models.0.manifset" (environment variable ATELIER_NODE_MODELS): did you mean "models.0.manifest"?`,
    );
  });

  it("rpcUrl must be an http(s) or ws(s) URL", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-cfg-"));
    const file = path.join(dir, "atelier-node.json");
    for (const rpcUrl of ["htp:/nonsense", "ftp://x", "localhost:8545"]) {
      await writeFile(file, JSON.stringify({ rpcUrl, models: [{ id: 1 }] }));
      expect(() => loadConfig({ file, env: { ATELIER_NODE_PRIVATE_KEY: KEY } })).toThrow(
        /setting "rpcUrl" .*must be an http\(s\) or ws\(s\) URL/,
      );
    }
    for (const rpcUrl of ["http://127.0.0.1:8545", "https://rpc.example.org/v1", "wss://x.example:443"]) {
      await writeFile(file, JSON.stringify({ rpcUrl, models: [{ id: 1, minFeeWei: "1000" }] }));
      const cfg = loadConfig({ file, env: { ATELIER_NODE_PRIVATE_KEY: KEY } });
      expect(cfg.rpcUrl).toBe(rpcUrl);
      expect(cfg.models[0]!.minFeeWei).toBe(1000n);
    }
  });

  it("refuses a key file readable by group or others, with the chmod fix", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-cfg-"));
    const file = path.join(dir, "atelier-node.json");
    const keyFile = path.join(dir, "node.key");
    await writeFile(file, JSON.stringify({ rpcUrl: "http://127.0.0.1:8545", models: [{ id: 1 }] }));
    await writeFile(keyFile, KEY + "\n");
    await chmod(keyFile, 0o644);
    const err = errorOf(() => loadConfig({ file, env: {} }));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toContain(`key file ${keyFile} is readable by others (mode 0644)`);
    expect(err.message).toContain(`chmod 600 ${keyFile}`);
    expect(err.message).not.toContain("11".repeat(32));
    await chmod(keyFile, 0o640);
    expect(() => loadConfig({ file, env: {} })).toThrow(/mode 0640/);
    await chmod(keyFile, 0o600);
    expect(loadConfig({ file, env: {} }).privateKey.reveal()).toBe(KEY);
  });
});

describe("prompt policy", () => {
  const policy = new PromptPolicy({
    maxPromptBytes: 20,
    bannedTerms: ["forbidden thing", "gore"],
    bannedPatterns: ["n[a@]sty"],
  });
  it("accepts ordinary prompts and rejects with a reason", () => {
    expect(policy.check("a blue fox").ok).toBe(true);
    expect(policy.check("gorgeous").ok).toBe(true);
    expect(policy.check("x".repeat(21))).toMatchObject({ ok: false, reason: "PromptTooLong" });
    expect(policy.check("   ")).toMatchObject({ ok: false, reason: "PromptEmpty" });
    expect(policy.check("some GORE")).toMatchObject({ ok: false, reason: "BannedContent" });
    expect(policy.check("a Forbidden  Thing")).toMatchObject({ ok: false, reason: "BannedContent" });
    expect(policy.check("n@sty")).toMatchObject({ ok: false, reason: "BannedContent" });
    expect(policy.check("a\u0001b")).toMatchObject({ ok: false, reason: "InvalidParams" });
  });
});
