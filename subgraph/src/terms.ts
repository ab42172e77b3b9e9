import { TermsRegistered } from "../generated/LicenseTerms/LicenseTerms";
import { Terms } from "../generated/schema";
import { LegalText as LegalTextTemplate } from "../generated/templates";
import { cleanText } from "./common";
import { legalTextCid } from "./legal-text";

export function handleTermsRegistered(event: TermsRegistered): void {
  const t = event.params.terms;
  const terms = new Terms(event.params.termsId.toString());
  terms.hash = event.params.termsHash;
  terms.registrant = event.params.registrant;
  terms.flags = event.params.flags;
  terms.commercialUse = t.commercialUse;
  terms.derivativesAllowed = t.derivativesAllowed;
  terms.attribution = t.attribution;
  terms.aiTrainingAllowed = t.aiTrainingAllowed;
  terms.exclusive = t.exclusive;
  terms.transferable = t.transferable;
  terms.duration = t.duration;
  terms.derivativeShareBps = t.derivativeShareBps;
  terms.legalTextUri = cleanText(t.legalTextUri);
  const cid = legalTextCid(terms.legalTextUri);
  if (cid != null) {
    terms.legalText = cid!;
    LegalTextTemplate.create(cid!);
  }
  terms.save();
}
