/**
 * The five licence-term presets the deployment registers, in registration order (terms ids 1…5 on a
 * fresh `LicenseTerms`). One table for everything that needs them: the Ignition module registers it
 * (adding each legal text's `ipfs://` URI, computed from `contracts/terms/<legalTextFolder>/v1.md`),
 * `@atelier/explain` describes it, the contract tests check the deployed terms against it.
 */

export type PresetName = "personal" | "commercial" | "commercialRemix" | "exclusiveBuyout" | "aiTraining";

/**
 * A preset's fields as `LicenseTerms.Terms` holds them, less the legal text URI (a type, not an
 * interface, so that it passes where an index signature is expected, e.g. Ignition's call arguments).
 */
export type PresetTerms = {
  commercialUse: boolean;
  derivativesAllowed: boolean;
  attribution: boolean;
  aiTrainingAllowed: boolean;
  exclusive: boolean;
  transferable: boolean;
  /** Seconds a licence lasts from purchase; 0 = perpetual. */
  duration: number;
  /** Share of a derivative's licence revenue owed to the work, in basis points. */
  derivativeShareBps: number;
};

export interface TermsPreset {
  name: PresetName;
  /** Terms id on a fresh deployment (the presets are registered first, in this order). */
  id: number;
  title: string;
  /** Folder of the legal text in `contracts/terms/`. */
  legalTextFolder: string;
  terms: PresetTerms;
}

const YEAR = 365 * 24 * 60 * 60;

export const TERMS_PRESETS: readonly TermsPreset[] = [
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

/** Preset name → terms id on a fresh deployment. */
export const TERMS_PRESET_IDS = Object.fromEntries(TERMS_PRESETS.map((p) => [p.name, p.id])) as Readonly<
  Record<PresetName, number>
>;
