import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);
export const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");

export interface CleanCheckout {
  dir: string;
  remove(): Promise<void>;
}

/**
 * What a fresh clone of this working tree plus `npm ci` holds, without the network: every tracked or
 * untracked-but-not-ignored file, and the installed node_modules folders hard-linked (they are what
 * `npm ci` produced here from the same lock). Build outputs (artifacts/, cache/, .atelier/) are ignored
 * files, so they are not there — exactly as on a newcomer's machine.
 */
export async function cleanCheckout(): Promise<CleanCheckout> {
  const dir = await mkdtemp(path.join(tmpdir(), "atelier-clean-"));
  const { stdout } = await exec("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: REPO_ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  const files = stdout.split("\0").filter((file) => file !== "");
  const folders = new Set(files.map((file) => path.dirname(path.join(dir, file))));
  for (const folder of folders) await mkdir(folder, { recursive: true });
  // A file listed by git but deleted in the working tree is not part of the checkout either.
  await Promise.all(
    files.map((file) => copyFile(path.join(REPO_ROOT, file), path.join(dir, file)).catch(() => undefined)),
  );
  for (const modules of await installedModuleFolders()) {
    await mkdir(path.dirname(path.join(dir, modules)), { recursive: true });
    await exec("cp", ["-al", path.join(REPO_ROOT, modules), path.join(dir, modules)]);
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** The node_modules folders `npm ci` made: the root one and each workspace's own. */
async function installedModuleFolders(): Promise<string[]> {
  const { stdout } = await exec(
    "find",
    [".", "-path", "./.git", "-prune", "-o", "-name", "node_modules", "-type", "d", "-print", "-prune"],
    { cwd: REPO_ROOT },
  );
  return stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => path.normalize(line));
}
