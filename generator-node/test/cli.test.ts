import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.ts";

const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { env });

describe("atelier-node CLI", () => {
  it("--help lists the operator commands", async () => {
    const { code, out } = await cli(["--help"]);
    expect(code).toBe(0);
    for (const c of ["init", "register", "start", "status", "unstake", "withdraw"]) expect(out).toContain(c);
  });

  it("init writes a config and a 0600 key file and prints only the address", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-cli-"));
    const config = path.join(dir, "atelier-node.json");
    const { code, out } = await cli([
      "--config",
      config,
      "init",
      "--rpc-url",
      "http://127.0.0.1:9",
      "--model",
      "1",
      "2",
    ]);
    expect(code).toBe(0);
    const key = (await readFile(path.join(dir, "node.key"), "utf8")).trim();
    expect(key).toMatch(/^0x[0-9a-f]{64}$/);
    expect((await stat(path.join(dir, "node.key"))).mode & 0o777).toBe(0o600);
    expect(out).not.toContain(key.slice(2));
    expect(out).toMatch(/node address: 0x[0-9a-fA-F]{40}/);
    const cfg = JSON.parse(await readFile(config, "utf8")) as { models: { id: number }[] };
    expect(cfg.models.map((m) => m.id)).toEqual([1, 2]);
    // refuses to overwrite
    expect((await cli(["--config", config, "init"])).code).not.toBe(0);
  });

  it("a bad setting stops start-up with a message naming it", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-cli-"));
    const config = path.join(dir, "atelier-node.json");
    await writeFile(
      config,
      JSON.stringify({ rpcUrl: "http://127.0.0.1:9", models: [{ id: 1 }], concurrency: 0 }),
    );
    const { code, err } = await cli(["--config", config, "start"], {
      ATELIER_NODE_PRIVATE_KEY: "0x" + "22".repeat(32),
    });
    expect(code).toBe(1);
    expect(err).toMatch(/setting "concurrency"/);
    expect(err).not.toContain("22".repeat(32));
  });

  it("init inside a git work tree git-ignores the key, config and data dir, and says so", async () => {
    const repo = await mkdtemp(path.join(tmpdir(), "atelier-git-"));
    execFileSync("git", ["init", "-q", repo]);
    const dir = path.join(repo, "ops");
    await mkdir(dir);
    await writeFile(path.join(dir, ".gitignore"), "*.log");
    const config = path.join(dir, "atelier-node.json");
    const first = await cli(["--config", config, "init"]);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain(
      `added atelier-node.json, node.key, .atelier-node/ to ${path.join(dir, ".gitignore")}`,
    );
    for (const f of ["node.key", "atelier-node.json", ".atelier-node/journal/checkpoint.json"])
      execFileSync("git", ["check-ignore", "-q", path.join(dir, f)], { cwd: repo }); // throws when not ignored
    expect(await readFile(path.join(dir, ".gitignore"), "utf8")).toMatch(/^\*\.log\n# atelier-node/);
    const again = await cli(["--config", config, "init", "--force"]);
    expect(again.out).toContain("are git-ignored here");
    const ignore = await readFile(path.join(dir, ".gitignore"), "utf8");
    expect(ignore.match(/\/node\.key/g)).toHaveLength(1);
    // the default HTTP port does not collide with `npm start`'s gateway (8790)
    const cfg = JSON.parse(await readFile(config, "utf8")) as { http: { port: number } };
    expect(cfg.http.port).toBe(8792);
  });

  it("init refuses a bad model id or RPC URL and writes nothing", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-cli-"));
    const config = path.join(dir, "atelier-node.json");
    const bad = await cli(["--config", config, "init", "--model", "abc"]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/"abc" is not a model id/);
    for (const url of ["htp:/nonsense", "ftp://x"]) {
      const r = await cli(["--config", config, "init", "--rpc-url", url]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/--rpc-url .*must be an http\(s\) or ws\(s\) URL/);
    }
    expect(existsSync(config) || existsSync(path.join(dir, "node.key"))).toBe(false);
  });

  it("a mistyped flag or command gets one usage line, not a stack trace", async () => {
    for (const args of [["status", "--jsno"], ["stat"], ["unstake", "--amount", "lots"]]) {
      const r = await cli(args);
      expect(r.code).not.toBe(0);
      expect(r.err.trim().split("\n"), r.err).toHaveLength(1);
      expect(r.err).toMatch(/^atelier-node: .*atelier-node --help/);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it("a port in use names the setting to change, before connecting to the chain or loading models", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-cli-"));
    const config = path.join(dir, "atelier-node.json");
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", r));
    const port = (busy.address() as AddressInfo).port;
    try {
      await writeFile(
        config,
        JSON.stringify({ rpcUrl: "http://127.0.0.1:9", models: [{ id: 1 }], http: { port } }),
      );
      const r = await cli(["--config", config, "start", "--no-progress"], {
        ATELIER_NODE_PRIVATE_KEY: "0x" + "22".repeat(32),
      });
      expect(r.code).toBe(1);
      expect(r.err).toContain(`HTTP port ${port} on 127.0.0.1 is already in use`);
      expect(r.err).toContain(`set "http.port" in ${config} or ATELIER_NODE_HTTP_PORT`);
      expect(r.out).not.toContain("model loaded");
    } finally {
      busy.close();
    }
  });
});
