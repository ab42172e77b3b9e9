/**
 * Licence terms as the protocol stores them (`LicenseTerms.Terms`), their flag byte, and the five presets
 * registered at deployment (defined in `@atelier/protocol`). Pure data: the words live in `deed.ts`.
 */
import { TERMS_PRESETS, type PresetName, type PresetTerms, type TermsPreset } from "@atelier/protocol";

/** The fields of one registered terms template (`LicenseTerms.getTerms`): a preset's, plus the legal text. */
export interface Terms extends Omit<PresetTerms, "duration"> {
  /** Seconds a licence lasts from purchase; 0 = perpetual (a bigint as viem reads it, or a number). */
  duration: number | bigint;
  /** `ipfs://<CID>` (or any URI) of the legal text; may be empty for custom terms. */
  legalTextUri: string;
}

/** The terms flag bits used in events and views (`contracts/README.md`, "Terms flags"). */
export const TERMS_FLAG = {
  commercial: 1,
  derivatives: 2,
  attribution: 4,
  aiTraining: 8,
  exclusive: 16,
  transferable: 32,
} as const;

export type TermsFlagName = keyof typeof TERMS_FLAG;

/** Every flag combination (0…63). */
export const ALL_FLAG_COMBINATIONS: readonly number[] = Array.from({ length: 64 }, (_, i) => i);

export function flagsOfTerms(terms: Terms): number {
  return (
    (terms.commercialUse ? TERMS_FLAG.commercial : 0) |
    (terms.derivativesAllowed ? TERMS_FLAG.derivatives : 0) |
    (terms.attribution ? TERMS_FLAG.attribution : 0) |
    (terms.aiTrainingAllowed ? TERMS_FLAG.aiTraining : 0) |
    (terms.exclusive ? TERMS_FLAG.exclusive : 0) |
    (terms.transferable ? TERMS_FLAG.transferable : 0)
  );
}

/** Terms from the flag byte an event or view carries, plus the fields the byte does not hold. */
export function termsFromFlags(
  flags: number,
  rest: { duration?: number | bigint; derivativeShareBps?: number; legalTextUri?: string } = {},
): Terms {
  if (!Number.isInteger(flags) || flags < 0 || flags > 63) {
    throw new RangeError(
      `terms flags ${flags} are not a 6-bit value; read them from the terms' "flags" field`,
    );
  }
  return {
    commercialUse: (flags & TERMS_FLAG.commercial) !== 0,
    derivativesAllowed: (flags & TERMS_FLAG.derivatives) !== 0,
    attribution: (flags & TERMS_FLAG.attribution) !== 0,
    aiTrainingAllowed: (flags & TERMS_FLAG.aiTraining) !== 0,
    exclusive: (flags & TERMS_FLAG.exclusive) !== 0,
    transferable: (flags & TERMS_FLAG.transferable) !== 0,
    duration: rest.duration ?? 0,
    derivativeShareBps: rest.derivativeShareBps ?? 0,
    legalTextUri: rest.legalTextUri ?? "",
  };
}

/** A preset as `@atelier/protocol` defines it (terms id, title, legal text folder, fields). */
export type Preset = TermsPreset;
export type { PresetName };

/** The presets the deployment registers (ids 1…5): `@atelier/protocol`'s one table of them. */
export const PRESETS: readonly Preset[] = TERMS_PRESETS;

/** The preset whose rights, duration and share these terms have (the legal text is not compared). */
export function presetOf(terms: Terms): Preset | undefined {
  return PRESETS.find(
    (p) =>
      flagsOfTerms({ ...p.terms, legalTextUri: "" }) === flagsOfTerms(terms) &&
      BigInt(p.terms.duration) === BigInt(terms.duration) &&
      p.terms.derivativeShareBps === terms.derivativeShareBps,
  );
}
