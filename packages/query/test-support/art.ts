/** The generator's art fixtures (real images) for tests that need pictures: 6 prompts × 4 seeds. */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ART_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../test/fixtures/art");

export interface ArtFixture {
  name: string;
  prompt: number;
  seed: number;
  bytes: Uint8Array;
}

/** `p<prompt>-s<seed>.jpg`, rendered by indexer/bench/render-art-fixtures.ts. */
export async function loadArtFixtures(dir = ART_DIR): Promise<ArtFixture[]> {
  const names = (await readdir(dir)).filter((n) => /^p\d+-s\d+\.jpg$/.test(n)).sort();
  return Promise.all(
    names.map(async (name) => {
      const [, p, s] = /^p(\d+)-s(\d+)\.jpg$/.exec(name)!;
      return { name, prompt: Number(p), seed: Number(s), bytes: await readFile(path.join(dir, name)) };
    }),
  );
}
