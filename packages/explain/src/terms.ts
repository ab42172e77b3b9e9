/**
 * Licence terms as the protocol stores them (`LicenseTerms.Terms`), their flag byte, and the five presets
 * registered at deployment. Pure data: the words live in `deed.ts`.
 */

/** The fields of one registered terms template (`LicenseTerms.getTerms`). */
export interface Terms {
  commercialUse: boolean;
  derivativesAllowed: boolean;
  attribution: boolean;
  aiTrainingAllowed: boolean;
  exclusive: boolean;
  transferable: boolean;
  /** Seconds a licence lasts from purchase; 0 = perpetual. */
  duration: number | bigint;
  /** Share of a derivative's licence revenue owed to the work, in basis points (only with derivatives). */
  derivativeShareBps: number;
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

const YEAR = 365 * 24 * 60 * 60;

export type PresetName = "personal" | "commercial" | "commercialRemix" | "exclusiveBuyout" | "aiTraining";

export interface Preset {
  name: PresetName;
  /** Terms id on a fresh deployment (`TERMS_PRESET_IDS`). */
  id: number;
  title: string;
  /** Folder of the legal text in `contracts/terms/`. */
  legalTextFolder: string;
  terms: Omit<Terms, "legalTextUri">;
}

/** The presets exactly as `contracts/ignition/modules/Atelier.ts` registers them (ids 1…5). */
export const PRESETS: readonly Preset[] = [
  {
    name: "personal",
    id: 1,
    title: "Personal",
    legalTextFolder: "personal",
    terms: {
      commercialUse: false,
      derivativesAllowed: false,
      attribution: true,
      aiTrainingAllowed: false,
      exclusive: false,
      transferable: false,
      duration: 0,
      derivativeShareBps: 0,
    },
  },
  {
    name: "commercial",
    id: 2,
    title: "Commercial",
    legalTextFolder: "commercial",
    terms: {
      commercialUse: true,
      derivativesAllowed: false,
      attribution: true,
      aiTrainingAllowed: false,
      exclusive: false,
      transferable: false,
      duration: YEAR,
      derivativeShareBps: 0,
    },
  },
  {
    name: "commercialRemix",
    id: 3,
    title: "Commercial + Remix",
    legalTextFolder: "commercial-remix",
    terms: {
      commercialUse: true,
      derivativesAllowed: true,
      attribution: true,
      aiTrainingAllowed: false,
      exclusive: false,
      transferable: false,
      duration: YEAR,
      derivativeShareBps: 1000,
    },
  },
  {
    name: "exclusiveBuyout",
    id: 4,
    title: "Exclusive buyout",
    legalTextFolder: "exclusive-buyout",
    terms: {
      commercialUse: true,
      derivativesAllowed: true,
      attribution: false,
      aiTrainingAllowed: true,
      exclusive: true,
      transferable: true,
      duration: 0,
      derivativeShareBps: 0,
    },
  },
  {
    name: "aiTraining",
    id: 5,
    title: "AI training",
    legalTextFolder: "ai-training",
    terms: {
      commercialUse: false,
      derivativesAllowed: false,
      attribution: false,
      aiTrainingAllowed: true,
      exclusive: false,
      transferable: false,
      duration: YEAR,
      derivativeShareBps: 0,
    },
  },
];

/** The preset whose rights, duration and share these terms have (the legal text is not compared). */
export function presetOf(terms: Terms): Preset | undefined {
  return PRESETS.find(
    (p) =>
      flagsOfTerms({ ...p.terms, legalTextUri: "" }) === flagsOfTerms(terms) &&
      BigInt(p.terms.duration) === BigInt(terms.duration) &&
      p.terms.derivativeShareBps === terms.derivativeShareBps,
  );
}
