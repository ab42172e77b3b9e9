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
/** An offer priced in ETH / in Test USD (whole dollars). */
const inEth = (terms: number, price: string, maxSupply?: number): PlannedOffer =>
  maxSupply === undefined ? { terms, eth: eth(price) } : { terms, eth: eth(price), maxSupply };
const inTusd = (terms: number, dollars: string): PlannedOffer => ({ terms, tusd: dollars });

/** One upload: the catalogue scene `key`, uploaded by `creator` with a royalty and its offers. */
function upload(
  key: string,
  creator: number,
  royaltyBps: number,
  offers: PlannedOffer[],
  parent?: PlannedUpload["parent"],
): PlannedUpload {
  const scene = [...SCENES, DERIVATIVE_SCENE].find((s) => s.key === key);
  if (!scene) throw new Error(`no scene ${key}`);
  return parent ? { scene, creator, royaltyBps, offers, parent } : { scene, creator, royaltyBps, offers };
}

const { personal, commercial, commercialRemix, exclusive, aiTraining } = TERMS;
const { ines, marek, sol } = ACCOUNTS;

export const UPLOADS: PlannedUpload[] = [
  upload("alpine-lake", ines, 500, [
    inEth(personal, "0.01"),
    inEth(commercialRemix, "0.08"),
    inTusd(aiTraining, "40"),
  ]),
  upload("dunes", marek, 500, [inEth(commercial, "0.05"), inTusd(commercial, "25")]),
  upload("spruce-fog", sol, 300, [inEth(personal, "0.005"), inEth(commercial, "0.04")]),
  upload("harbour-blue-hour", ines, 500, [inEth(personal, "0.012"), inTusd(commercial, "60")]),
  upload("aurora-fjord", marek, 750, [inEth(exclusive, "2", 1)]),
  upload("red-canyon", sol, 500, [inEth(commercialRemix, "0.06"), inTusd(aiTraining, "30")]),
  upload("lavender-hills", ines, 400, [inEth(personal, "0.008"), inTusd(commercial, "35")]),
  upload("storm-plain", marek, 500, [inEth(commercial, "0.07")]),
  upload("sea-stacks", sol, 500, [
    inEth(personal, "0.01"),
    inEth(commercial, "0.06"),
    inTusd(commercialRemix, "45"),
  ]),
  upload("alpine-lake-night", marek, 500, [inEth(commercial, "0.05")], { key: "alpine-lake", offerId: 2 }),
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
    requester: sol,
    prompt: "vintage poster of a lighthouse on basalt cliffs, winter storm",
    offer: inEth(commercial, "0.03"),
  },
  {
    key: "tea-fields",
    requester: marek,
    prompt: "terraced tea fields in morning mist, soft greens",
    offer: inTusd(commercialRemix, "20"),
  },
  {
    key: "copper-dunes",
    requester: ines,
    prompt: "copper desert dunes under a violet night sky",
    offer: inEth(personal, "0.005"),
  },
];
/** A licence sold on a generated work once it exists. */
export const GENERATED_SALE = { key: "lighthouse", offerId: 1, buyer: ACCOUNTS.studio };
/** The AI remix: a variation of a generated work, requested by the work's owner. */
export const VARIATION = { offer: inEth(commercial, "0.02") };
