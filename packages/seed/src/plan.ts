/**
 * What the demo market holds, as data: who the creators and buyers are (Hardhat dev accounts), which
 * picture each creator uploads with which offers, which licences are sold, the derivative, the sold-out
 * exclusive, the flagged work, and the generation jobs the running node fulfils.
 */
import { parseEther } from "viem";
import { DERIVATIVE_SCENE, SCENES, type CatalogueScene } from "./scenes/catalogue.ts";

/** Dev account indexes. 0 deploys and arbitrates, 2 is the generator node (npm start's roles). */
export const ACCOUNTS = {
  admin: 0,
  /** A photographer; also the requester of npm start's first generated work. */
  ines: 1,
  marek: 3,
  sol: 6,
  /** Brands that license. */
  studio: 4,
  agency: 5,
  /** Deploys Test USD as its first transaction (its address is then fixed). */
  tokenDeployer: 9,
} as const;
export const CREATORS = [ACCOUNTS.ines, ACCOUNTS.marek, ACCOUNTS.sol];
export const BUYERS = [ACCOUNTS.studio, ACCOUNTS.agency, ACCOUNTS.marek];

/** Terms preset ids on a fresh deployment (contracts/ignition/modules/Atelier.ts). */
export const TERMS = { personal: 1, commercial: 2, commercialRemix: 3, exclusive: 4, aiTraining: 5 } as const;

/** An offer: terms, price (ETH in wei, or Test USD in whole dollars as a string) and supply. */
export interface PlannedOffer {
  terms: number;
  eth?: bigint;
  tusd?: string;
  maxSupply?: number;
}

export interface PlannedUpload {
  scene: CatalogueScene;
  creator: number;
  royaltyBps: number;
  offers: PlannedOffer[];
  /** A derivative: the parent upload's key, and the offer (1-based) the creator licenses it under. */
  parent?: { key: string; offerId: number };
}

const eth = (v: string) => parseEther(v);
const scene = (key: string) => {
  const found = [...SCENES, DERIVATIVE_SCENE].find((s) => s.key === key);
  if (!found) throw new Error(`no scene ${key}`);
  return found;
};

export const UPLOADS: PlannedUpload[] = [
  {
    scene: scene("alpine-lake"),
    creator: ACCOUNTS.ines,
    royaltyBps: 500,
    offers: [
      { terms: TERMS.personal, eth: eth("0.01") },
      { terms: TERMS.commercialRemix, eth: eth("0.08") },
      { terms: TERMS.aiTraining, tusd: "40" },
    ],
  },
  {
    scene: scene("dunes"),
    creator: ACCOUNTS.marek,
    royaltyBps: 500,
    offers: [
      { terms: TERMS.commercial, eth: eth("0.05") },
      { terms: TERMS.commercial, tusd: "25" },
    ],
  },
  {
    scene: scene("spruce-fog"),
    creator: ACCOUNTS.sol,
    royaltyBps: 300,
    offers: [
      { terms: TERMS.personal, eth: eth("0.005") },
      { terms: TERMS.commercial, eth: eth("0.04") },
    ],
  },
  {
    scene: scene("harbour-blue-hour"),
    creator: ACCOUNTS.ines,
    royaltyBps: 500,
    offers: [
      { terms: TERMS.personal, eth: eth("0.012") },
      { terms: TERMS.commercial, tusd: "60" },
    ],
  },
  {
    scene: scene("aurora-fjord"),
    creator: ACCOUNTS.marek,
    royaltyBps: 750,
    offers: [{ terms: TERMS.exclusive, eth: eth("2"), maxSupply: 1 }],
  },
  {
    scene: scene("red-canyon"),
    creator: ACCOUNTS.sol,
    royaltyBps: 500,
    offers: [
      { terms: TERMS.commercialRemix, eth: eth("0.06") },
      { terms: TERMS.aiTraining, tusd: "30" },
    ],
  },
  {
    scene: scene("lavender-hills"),
    creator: ACCOUNTS.ines,
    royaltyBps: 400,
    offers: [
      { terms: TERMS.personal, eth: eth("0.008") },
      { terms: TERMS.commercial, tusd: "35" },
    ],
  },
  {
    scene: scene("storm-plain"),
    creator: ACCOUNTS.marek,
    royaltyBps: 500,
    offers: [{ terms: TERMS.commercial, eth: eth("0.07") }],
  },
  {
    scene: scene("sea-stacks"),
    creator: ACCOUNTS.sol,
    royaltyBps: 500,
    offers: [
      { terms: TERMS.personal, eth: eth("0.01") },
      { terms: TERMS.commercial, eth: eth("0.06") },
      { terms: TERMS.commercialRemix, tusd: "45" },
    ],
  },
  {
    scene: scene("alpine-lake-night"),
    creator: ACCOUNTS.marek,
    royaltyBps: 500,
    offers: [{ terms: TERMS.commercial, eth: eth("0.05") }],
    parent: { key: "alpine-lake", offerId: 2 },
  },
];

/** Licences bought (offer ids are 1-based, in the order above). The aurora's exclusive sells out. */
export const SALES: { key: string; offerId: number; buyer: number }[] = [
  { key: "dunes", offerId: 1, buyer: ACCOUNTS.studio },
  { key: "dunes", offerId: 2, buyer: ACCOUNTS.agency },
  { key: "aurora-fjord", offerId: 1, buyer: ACCOUNTS.studio },
  { key: "sea-stacks", offerId: 2, buyer: ACCOUNTS.agency },
  { key: "lavender-hills", offerId: 1, buyer: ACCOUNTS.studio },
  { key: "red-canyon", offerId: 2, buyer: ACCOUNTS.agency },
];

/** The flagged work and the arbiter's reason (text shown on its page). */
export const FLAGGED = {
  key: "storm-plain",
  reason: "Demo flag: held for a content-standards review, so new licence sales are stopped.",
};

export interface PlannedJob {
  key: string;
  requester: number;
  prompt: string;
  offer: PlannedOffer;
}

/** Generation jobs for the running node (npm start's first work, job 1, comes before these). */
export const JOBS: PlannedJob[] = [
  {
    key: "lighthouse",
    requester: ACCOUNTS.sol,
    prompt: "vintage poster of a lighthouse on basalt cliffs, winter storm",
    offer: { terms: TERMS.commercial, eth: eth("0.03") },
  },
  {
    key: "tea-fields",
    requester: ACCOUNTS.marek,
    prompt: "terraced tea fields in morning mist, soft greens",
    offer: { terms: TERMS.commercialRemix, tusd: "20" },
  },
  {
    key: "copper-dunes",
    requester: ACCOUNTS.ines,
    prompt: "copper desert dunes under a violet night sky",
    offer: { terms: TERMS.personal, eth: eth("0.005") },
  },
];
/** A licence sold on a generated work once it exists. */
export const GENERATED_SALE = { key: "lighthouse", offerId: 1, buyer: ACCOUNTS.studio };
/** The AI remix: a variation of a generated work, requested by the work's owner. */
export const VARIATION = { offer: { terms: TERMS.commercial, eth: eth("0.02") } };
