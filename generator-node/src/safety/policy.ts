/**
 * Prompt policy: checks a request before any compute is spent. A failed check is answered with
 * `rejectJob(reason)` on chain (the requester is refunded), never a silent drop.
 */
import { normalizePrompt } from "../model/conditioning.ts";

export type RejectReason =
  | "PromptTooLong"
  | "PromptEmpty"
  | "BannedContent"
  | "InvalidParams"
  | "UnsafeOutput"
  | "DuplicateContent"
  | "ModelFailure";

export interface PolicyConfig {
  maxPromptBytes: number;
  /** whole words or phrases, case-insensitive */
  bannedTerms: string[];
  /** regular expressions (source strings), case-insensitive */
  bannedPatterns: string[];
}

export interface PolicyResult {
  ok: boolean;
  reason?: RejectReason;
  detail?: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export class PromptPolicy {
  private readonly patterns: { source: string; re: RegExp }[];

  constructor(private readonly cfg: PolicyConfig) {
    this.patterns = [
      ...cfg.bannedTerms.map((t) => ({
        source: t,
        re: new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(normalizePrompt(t))}($|[^\\p{L}\\p{N}])`, "iu"),
      })),
      ...cfg.bannedPatterns.map((p) => ({ source: p, re: new RegExp(p, "iu") })),
    ];
  }

  /** Params must be empty or a UTF-8 JSON object. */
  checkParams(params: string): PolicyResult {
    if (params === "0x" || params === "") return { ok: true };
    try {
      const text = new TextDecoder("utf-8", { fatal: true }).decode(
        Buffer.from(params.replace(/^0x/, ""), "hex"),
      );
      const v: unknown = JSON.parse(text);
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
      return { ok: true };
    } catch {
      return { ok: false, reason: "InvalidParams", detail: "params are not a UTF-8 JSON object" };
    }
  }

  check(prompt: string, params = "0x"): PolicyResult {
    const p = this.checkParams(params);
    if (!p.ok) return p;
    const bytes = Buffer.byteLength(prompt, "utf8");
    if (bytes > this.cfg.maxPromptBytes)
      return { ok: false, reason: "PromptTooLong", detail: `${bytes} bytes > ${this.cfg.maxPromptBytes}` };
    const normalized = normalizePrompt(prompt);
    if (normalized.length === 0) return { ok: false, reason: "PromptEmpty" };
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(prompt))
      return { ok: false, reason: "InvalidParams", detail: "control characters in prompt" };
    for (const p of this.patterns) {
      if (p.re.test(normalized))
        return { ok: false, reason: "BannedContent", detail: "matches a banned term" };
    }
    return { ok: true };
  }
}
