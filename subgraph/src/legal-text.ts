import { Bytes, dataSource } from "@graphprotocol/graph-ts";
import { LegalText } from "../generated/schema";
import { cleanText } from "./common";

/** Texts over this size are not parsed (the entity records only CID and size). */
const MAX_LEGAL_TEXT_BYTES = 262144;
const SUMMARY_HEADING = "## In plain language";

/** `ipfs://<CIDv1 base32>` → the CID; anything else → null (no file data source is created for it). */
export function legalTextCid(uri: string): string | null {
  if (!uri.startsWith("ipfs://")) return null;
  const cid = uri.substring(7);
  if (cid.length != 59 || cid.charAt(0) != "b") return null;
  for (let i = 0; i < cid.length; i++) {
    const c = cid.charCodeAt(i);
    const letter = c >= 97 && c <= 122;
    const digit = c >= 50 && c <= 55;
    if (!letter && !digit) return null;
  }
  return cid;
}

function stripCr(line: string): string {
  return line.endsWith("\r") ? line.substring(0, line.length - 1) : line;
}

/** File data source handler (kind: file/ipfs): a licence's legal text. */
export function handleLegalText(content: Bytes): void {
  const text = new LegalText(dataSource.stringParam());
  text.size = content.length;
  if (content.length <= MAX_LEGAL_TEXT_BYTES) {
    const lines = cleanText(content.toString()).split("\n");
    const first = lines.length > 0 ? stripCr(lines[0]) : "";
    if (first.startsWith("# ")) text.title = first.substring(2).trim();
    let inSummary = false;
    const bullets: string[] = [];
    for (let i = 1; i < lines.length; i++) {
      const line = stripCr(lines[i]);
      if (line.startsWith("## ")) {
        if (inSummary) break;
        inSummary = line == SUMMARY_HEADING;
      } else if (inSummary && line.startsWith("- ")) {
        bullets.push(line.substring(2).trim());
      }
    }
    if (bullets.length > 0) text.summary = bullets.join("\n");
  }
  text.save();
}
