/**
 * Licence legal texts (Markdown, `contracts/terms/<preset>/v<n>.md`) named by a terms' legal text URI:
 * the title (first line's `# ` heading) and the plain-language summary (the `- ` bullets under
 * `## In plain language`), parsed by the same rules as the subgraph's `handleLegalText`.
 */
import type { CID } from "multiformats/cid";
import { blockProblem, MAX_METADATA_BYTES, MetadataFetcher, sourceFromEnv } from "./metadata.ts";

const SUMMARY_HEADING = "## In plain language";

export type LegalTextResult =
  | { status: "ok"; title: string | null; summary: string | null; size: number }
  | { status: "rejected"; reason: string; size: number | null };

/** `ipfs://<CIDv1 base32>` → the CID (the subgraph creates its file data source for the same shape only). */
export function legalTextCid(uri: string): string | null {
  const match = /^ipfs:\/\/(b[a-z2-7]{58})$/.exec(uri);
  return match ? match[1]! : null;
}

export function parseLegalText(cid: CID, bytes: Uint8Array): LegalTextResult {
  const problem = blockProblem(cid, bytes, MAX_METADATA_BYTES);
  if (problem) return { status: "rejected", reason: problem, size: bytes.length };
  const lines = new TextDecoder("utf-8").decode(bytes).replaceAll("\u0000", "").split("\n");
  const strip = (line: string) => (line.endsWith("\r") ? line.slice(0, -1) : line);
  const first = strip(lines[0] ?? "");
  const title = first.startsWith("# ") ? first.slice(2).trim() : null;
  const bullets: string[] = [];
  let inSummary = false;
  for (const raw of lines.slice(1)) {
    const line = strip(raw);
    if (line.startsWith("## ")) {
      if (inSummary) break;
      inSummary = line === SUMMARY_HEADING;
    } else if (inSummary && line.startsWith("- ")) bullets.push(line.slice(2).trim());
  }
  return { status: "ok", title, summary: bullets.length ? bullets.join("\n") : null, size: bytes.length };
}

export function legalTextFetcherFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): MetadataFetcher<LegalTextResult> {
  return new MetadataFetcher(sourceFromEnv(env), parseLegalText, (reason) => ({
    status: "rejected",
    reason,
    size: null,
  }));
}
