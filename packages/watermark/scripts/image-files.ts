/** The images a dev script reads: `DIR` (its PNG/JPEG files, sorted) or `FILE,FILE,...` or one file. */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export function imageFiles(src: string): string[] {
  if (src.includes(",")) return src.split(",");
  if (!statSync(src).isDirectory()) return [src];
  return readdirSync(src)
    .filter((f) => /\.(png|jpe?g)$/i.test(f))
    .sort()
    .map((f) => join(src, f));
}
