/**
 * Every command a workspace installs runs by the name a user types (`npm exec --no -- <name>`, which never
 * reaches the registry): `--help` exits 0 with usage, a mistyped flag exits non-zero with a message.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./support/clean-checkout.ts";

const exec = promisify(execFile);

function workspaceBins(): string[] {
  const root = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    workspaces: string[];
  };
  const bins: string[] = [];
  for (const pattern of root.workspaces) {
    const base = pattern.replace(/\/\*$/, "");
    const dirs = pattern.endsWith("/*")
      ? readdirSync(path.join(REPO_ROOT, base)).map((name) => path.join(base, name))
      : [base];
    for (const dir of dirs) {
      try {
        const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, dir, "package.json"), "utf8")) as {
          bin?: Record<string, string>;
        };
        bins.push(...Object.keys(pkg.bin ?? {}));
      } catch {
        // not a package folder
      }
    }
  }
  return bins.sort();
}

async function runBin(name: string, args: string[]) {
  try {
    const { stdout, stderr } = await exec("npm", ["exec", "--no", "--", name, ...args], { cwd: REPO_ROOT });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

const bins = workspaceBins();

describe("installed commands", () => {
  it("finds the commands the workspaces install", () => {
    expect(bins).toEqual(expect.arrayContaining(["atelier-node", "atelier-watermark"]));
  });

  for (const name of bins) {
    it(`${name} --help prints its usage and exits 0`, async () => {
      const { code, stdout } = await runBin(name, ["--help"]);
      expect(code).toBe(0);
      expect(stdout).toMatch(/usage/i);
      expect(stdout).toContain(name);
    });

    it(`${name} with a mistyped flag exits non-zero and names the flag`, async () => {
      const { code, stdout, stderr } = await runBin(name, ["--definitely-not-a-flag"]);
      expect(code).not.toBe(0);
      expect(`${stdout}${stderr}`).toMatch(/unknown option '?--definitely-not-a-flag/);
      expect(stderr).not.toMatch(/^\s+at /m); // a message, not a stack trace
    });
  }
});
