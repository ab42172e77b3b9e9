/**
 * A licence's terms in plain words ("You can… / You can't… / Expires…"), the first of the three
 * layers a work page shows (then the machine-readable fields, then the legal text).
 * Interim wording until @atelier/explain's deeds are merged in.
 */
import { formatDuration } from "./format.ts";

export interface TermsFields {
  commercialUse: boolean;
  derivativesAllowed: boolean;
  attribution: boolean;
  aiTrainingAllowed: boolean;
  exclusive: boolean;
  transferable: boolean;
  duration: bigint;
  derivativeShareBps: number;
}

export interface Deed {
  can: string[];
  cannot: string[];
  must: string[];
  expires: string;
}

export function deed(t: TermsFields): Deed {
  const can = ["Use the work for personal, non-commercial purposes."];
  const cannot: string[] = [];
  const must: string[] = [];
  (t.commercialUse ? can : cannot).push(
    t.commercialUse
      ? "Use the work commercially (ads, products, client work)."
      : "Use the work commercially.",
  );
  if (t.derivativesAllowed) {
    can.push(
      `Make and mint derivative works${t.derivativeShareBps > 0 ? `; each pays ${t.derivativeShareBps / 100}% of its sales back to this work` : ""}.`,
    );
  } else cannot.push("Make derivative works (remixes, edits, upscales).");
  (t.aiTrainingAllowed ? can : cannot).push(
    t.aiTrainingAllowed ? "Use the work to train AI models." : "Use the work to train AI models.",
  );
  (t.transferable ? can : cannot).push(
    t.transferable
      ? "Transfer this licence to someone else."
      : "Transfer this licence: it stays with the buyer.",
  );
  if (t.exclusive) can.push("Be the only licensee: once sold, nobody else can license this work.");
  if (t.attribution) must.push("Credit the creator when you use the work.");
  const expires =
    t.duration === 0n ? "Never expires." : `Expires ${formatDuration(t.duration)} after purchase.`;
  return { can, cannot, must, expires };
}
