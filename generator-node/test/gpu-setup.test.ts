/** `npm run gpu:setup` as an operator runs it: offline it says why, exits 1 and changes nothing; reruns skip what is installed. */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PKG } from "./helpers/cli.ts";

const ROOT = path.resolve(PKG, "..");
const ortBin = path.join(ROOT, "node_modules/onnxruntime-node/bin/napi-v6/linux/x64");

/** a local port with nothing listening: stands in for a host without internet */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function gpuSetup(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number; out: string; err: string }>((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", path.join(PKG, "scripts/gpu-setup.ts"), ...args],
      { cwd: PKG, env: { ...process.env, ...env } },
      (error, out, err) => resolve({ code: error ? Number(error.code) : 0, out, err }),
    );
  });
}

const digest = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");

describe("npm run gpu:setup", () => {
  it("without internet: names what it cannot reach, exits 1, changes nothing", async () => {
    const port = await closedPort();
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-gpu-"));
    const config = path.join(dir, "atelier-node.json");
    await writeFile(config, JSON.stringify({ dataDir: "state" }));
    const lockBefore = digest(path.join(ROOT, "package-lock.json"));
    const binBefore = readdirSync(ortBin).sort();
    const r = await gpuSetup(["--config", config, "--skip-gpu-check"], {
      ATELIER_GPU_SETUP_NUGET_URL: `http://127.0.0.1:${port}/v3/index.json`,
      ATELIER_GPU_SETUP_LIBTENSORFLOW_URL: `http://127.0.0.1:${port}/libtensorflow.tar.gz`,
    });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/CUDA 12\.x, cuDNN 9\.x/);
    expect(r.out).toMatch(/CUDA 11\.2, cuDNN 8\.1/);
    expect(r.err).toContain(
      `no internet access to 127.0.0.1:${port} (ECONNREFUSED): the ONNX Runtime CUDA provider`,
    );
    expect(r.err).toContain("libtensorflow for @tensorflow/tfjs-node-gpu cannot be downloaded");
    expect(r.err).toContain("Nothing was changed.");
    expect(existsSync(path.join(dir, "state"))).toBe(false);
    expect(readdirSync(ortBin).sort()).toEqual(binBefore);
    expect(digest(path.join(ROOT, "package-lock.json"))).toBe(lockBefore);
  });

  it("is idempotent: an installed part is left alone without any download", async () => {
    const port = await closedPort();
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-gpu-"));
    const pkg = path.join(dir, ".atelier-node/gpu/node_modules/@tensorflow/tfjs-node-gpu");
    await mkdir(pkg, { recursive: true });
    await writeFile(path.join(pkg, "package.json"), JSON.stringify({ version: "4.22.0" }));
    const r = await gpuSetup(
      ["--config", path.join(dir, "atelier-node.json"), "--only", "tfjs", "--skip-gpu-check"],
      {
        ATELIER_GPU_SETUP_LIBTENSORFLOW_URL: `http://127.0.0.1:${port}/libtensorflow.tar.gz`,
      },
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(
      `@tensorflow/tfjs-node-gpu 4.22.0: already installed in ${path.join(dir, ".atelier-node/gpu")}`,
    );
  });
});
