import { ponder } from "ponder:registry";
import { legalText, terms } from "ponder:schema";
import { cleanText, lower } from "./common.ts";
import { legalTextCid } from "../lib/legal-text.ts";
import { legalTextFetcher } from "./metadata.ts";

ponder.on("LicenseTerms:TermsRegistered", async ({ event, context }) => {
  const t = event.args.terms;
  const legalTextUri = cleanText(t.legalTextUri);
  const cid = legalTextCid(legalTextUri);
  if (cid) {
    // Terms may share a text: one row per CID, fetched in the background (never awaited here).
    await context.db
      .insert(legalText)
      .values({ id: cid, status: "pending", attempts: 0 })
      .onConflictDoNothing();
    legalTextFetcher.request(cid);
  }
  await context.db.insert(terms).values({
    id: BigInt(event.args.termsId),
    hash: event.args.termsHash,
    registrant: lower(event.args.registrant),
    flags: event.args.flags,
    commercialUse: t.commercialUse,
    derivativesAllowed: t.derivativesAllowed,
    attribution: t.attribution,
    aiTrainingAllowed: t.aiTrainingAllowed,
    exclusive: t.exclusive,
    transferable: t.transferable,
    duration: BigInt(t.duration),
    derivativeShareBps: t.derivativeShareBps,
    legalTextUri,
    legalText: cid,
  });
});
