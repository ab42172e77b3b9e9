import { ponder } from "ponder:registry";
import { terms } from "ponder:schema";
import { cleanText, lower } from "./common.ts";

ponder.on("LicenseTerms:TermsRegistered", async ({ event, context }) => {
  const t = event.args.terms;
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
    legalTextUri: cleanText(t.legalTextUri),
  });
});
