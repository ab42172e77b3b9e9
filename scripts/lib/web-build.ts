/**
 * Is `web/build` up to date? A fresh clone has no `web/build`; after a `git pull` one may be stale. File
 * times cannot tell (git gives every file it writes the checkout time, so a stale build can look newer
 * than its sources), so a build records a SHA-256 over every input the bundle is made from — the app's
 * sources and config, the workspace packages it bundles, the lock file — and whoever needs the built app
 * (`npm start`, the dApp's tests and e2e, bench:web) rebuilds exactly when that digest differs. Hashing
 * those files takes well under a second here; a build takes ~10-40 s.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
export const WEB_ROOT = path.join(ROOT, "web");
export const BUILD_DIR = path.join(WEB_ROOT, "build");
const STAMP = path.join(BUILD_DIR, ".atelier-source-digest");

/** What the bundle is made of: the app, the workspace packages it imports, the exact dependency set. */
const INPUTS = [
  "web/src",
  "web/vite.config.ts",
  "web/package.json",
  "web/tsconfig.json",
  "packages",
  "package-lock.json",
];
/**
 * Never bundled, or rewritten at run time (the deployment file is written by every `npm start`); the seed
 * is a server-side package the dApp does not import.
 */
const SKIP = /(^|\/)(node_modules|test|tests|bench|deployments|e2e)(\/|$)|\.test\.ts$|^packages\/seed\//;

async function filesUnder(relative: string): Promise<string[]> {
  const absolute = path.join(ROOT, relative);
  if (!existsSync(absolute)) return [];
  const entries = await readdir(absolute, { withFileTypes: true, recursive: true }).catch(() => null);
  if (entries === null) return [relative]; // a file
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)))
    .filter((file) => !SKIP.test(file));
}

export async function sourceDigest(): Promise<string> {
  const files = (await Promise.all(INPUTS.map(filesUnder))).flat().sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(await readFile(path.join(ROOT, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** Why a build is needed, or undefined when `web/build` was made from exactly these sources. */
export async function staleBuildReason(digest: string): Promise<string | undefined> {
  if (!existsSync(path.join(BUILD_DIR, "index.js"))) return "no web/build yet";
  const built = await readFile(STAMP, "utf8").catch(() => "");
  if (built.trim() === "") return "web/build has no source digest (built by hand?)";
  return built.trim() === digest ? undefined : "the sources changed since web/build was made";
}

/**
 * The environment of every `vite build` of web/: always production. vitest sets NODE_ENV=test, and a build
 * inheriting it bundles Svelte's development runtime (+9 KB gzip on every page) — which `npm start`, the
 * e2e and bench:web then reuse, since the source digest matches.
 */
export const buildEnv = (): NodeJS.ProcessEnv => ({ ...process.env, NODE_ENV: "production" });

/** Before a build: a build that stops half-way must not look up to date. */
export const clearBuildStamp = () => rm(STAMP, { force: true });

/** After a successful build from the sources `digest` was taken of. */
export const stampBuild = (digest: string) => writeFile(STAMP, `${digest}\n`);
