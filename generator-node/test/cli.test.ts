import { execFile } from "node:child_process";
import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const PKG = path.resolve(import.meta.dirname, "..");
const run = promisify(execFile);

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, ["--import", "tsx", path.join(PKG, "src/cli/main.ts"), ...args], {
      cwd: PKG,
      env: { ...process.env, ATELIER_NODE_PRIVATE_KEY: "", ...env },
    });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

describe("atelier-node CLI", () => {
  it("--help lists the operator commands", async () => {
    const { code, out } = await cli(["--help"]);
    expect(code).toBe(0);
    for (const c of ["init", "register", "start", "status", "unstake"]) expect(out).toContain(c);
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
});
