/**
 * Keeps the files `init` writes (the key above all) out of version control: when the config
 * directory is inside a git work tree, the ones git does not already ignore are appended to that
 * directory's `.gitignore`.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";

function git(dir: string, args: string[]): { ok: boolean; out: string } {
  try {
    return {
      ok: true,
      out: execFileSync("git", args, { cwd: dir, stdio: ["ignore", "pipe", "ignore"] }).toString(),
    };
  } catch {
    return { ok: false, out: "" };
  }
}

/** Returns the sentence to tell the operator what was done. */
export function ignoreNodeFiles(dir: string, names: string[]): string {
  if (!git(dir, ["rev-parse", "--is-inside-work-tree"]).out.startsWith("true"))
    return `not inside a git work tree; never commit ${names.join(", ")} (node.key is the node's private key)`;
  // `git check-ignore` answers exit 0 for an ignored path, 1 otherwise
  const missing = names.filter((n) => !git(dir, ["check-ignore", "-q", "--no-index", n]).ok);
  if (missing.length === 0) return `${names.join(", ")} are git-ignored here`;
  const file = path.join(dir, ".gitignore");
  const cur = existsSync(file) ? readFileSync(file, "utf8") : "";
  const sep = cur === "" || cur.endsWith("\n") ? "" : "\n";
  appendFileSync(
    file,
    `${sep}# atelier-node: private key, config and node state (never commit)\n${missing.map((n) => `/${n}`).join("\n")}\n`,
  );
  return `added ${missing.join(", ")} to ${file} (the key and node state must never be committed)`;
}
