/**
 * "More like this" on the work page: the query layer's RelatedWorks (image-embedding similarity from
 * the indexer's embedding feed, the perceptual hash while a work's embedding is pending; co-licensing, shared rights, lineage, popularity), built from the whole index and reused for a
 * short while, so a page view does not rebuild it.
 */
import { loadRelatedWorks, type RelatedWorks } from "@atelier/query";
import { cards, type WorkCard } from "./explore.ts";
import { index } from "./index.ts";

/** How long a built ranking is reused: new works and licences show up within this. */
const FRESH_MS = 15_000;
const SUGGESTIONS = 6;

let built: { at: number; related: Promise<RelatedWorks> } | undefined;

function related(): Promise<RelatedWorks> {
  if (!built || Date.now() - built.at > FRESH_MS) {
    const next = { at: Date.now(), related: loadRelatedWorks(index()) };
    // A failed build is not kept: the next view tries again.
    next.related.catch(() => {
      if (built === next) built = undefined;
    });
    built = next;
  }
  return built.related;
}

/** The ranking's reasons are worded for an account's history; on a work page the seed is this work. */
const forThisWork = (reason: string) =>
  reason === "offers the rights you usually license" ? "offers the rights this work offers" : reason;

export interface MoreLikeThis {
  card: WorkCard;
  reasons: string[];
}

/** Works like `workId` that offer every right in `rights` (terms flags), best first, each with why. */
export async function moreLikeThis(workId: string, rights: number): Promise<MoreLikeThis[]> {
  const suggestions = (await related()).forWork(BigInt(workId), {
    limit: SUGGESTIONS,
    requireRights: rights || undefined,
  });
  const found = [...(await index().works(suggestions.map((s) => s.workId))).values()];
  const byId = new Map((await cards(found)).map((c) => [c.id, c]));
  return suggestions.flatMap((s) => {
    const card = byId.get(s.workId.toString());
    return card
      ? [{ card, reasons: s.reasons.length ? s.reasons.map(forThisWork) : ["offers what you asked for"] }]
      : [];
  });
}
