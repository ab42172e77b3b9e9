/**
 * Does a built dApp carry Svelte's development runtime? Svelte's generated warnings print
 * `%c[svelte] <code>` (bold code, then the message) only under `DEV`; a production build keeps just the
 * `https://svelte.dev/e/<code>` link. So the prefix in any bundled .js file means a development build
 * (e.g. one that inherited vitest's NODE_ENV=test). Source maps are skipped: they quote the sources.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

export const SVELTE_DEV_MARKER = "%c[svelte]";

/** The .js files under `buildDir` (relative paths) that bundle Svelte's development runtime. */
export async function filesWithDevRuntime(buildDir: string): Promise<string[]> {
  const entries = await readdir(buildDir, { withFileTypes: true, recursive: true });
  const scripts = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".js"))
    .map((entry) => path.join(entry.parentPath, entry.name));
  const marked = await Promise.all(
    scripts.map(async (file) =>
      (await readFile(file, "utf8")).includes(SVELTE_DEV_MARKER) ? file : undefined,
    ),
  );
  return marked.filter((file) => file !== undefined).map((file) => path.relative(buildDir, file));
}
