import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { abis, type ContractName } from "@atelier/protocol";
import { readShippedArtifact } from "@atelier/protocol/node";

const DAY = 24n * 60n * 60n;

/** License-term presets registered at deployment; their ids are 1..5 in this order on a fresh registry. */
export const TERMS_PRESETS = {
  personal: {
    commercialUse: false,
    derivativesAllowed: false,
    attribution: true,
    aiTrainingAllowed: false,
    exclusive: false,
    transferable: false,
    duration: 0,
    derivativeShareBps: 0,
    legalTextUri: "atelier://terms/personal/v1",
  },
  commercial: {
    commercialUse: true,
    derivativesAllowed: false,
    attribution: true,
    aiTrainingAllowed: false,
    exclusive: false,
    transferable: false,
    duration: Number(365n * DAY),
    derivativeShareBps: 0,
    legalTextUri: "atelier://terms/commercial/v1",
  },
  commercialRemix: {
    commercialUse: true,
    derivativesAllowed: true,
    attribution: true,
    aiTrainingAllowed: false,
    exclusive: false,
    transferable: false,
    duration: Number(365n * DAY),
    derivativeShareBps: 1000,
    legalTextUri: "atelier://terms/commercial-remix/v1",
  },
  exclusiveBuyout: {
    commercialUse: true,
    derivativesAllowed: true,
    attribution: false,
    aiTrainingAllowed: true,
    exclusive: true,
    transferable: true,
    duration: 0,
    derivativeShareBps: 0,
    legalTextUri: "atelier://terms/exclusive-buyout/v1",
  },
  aiTraining: {
    commercialUse: false,
    derivativesAllowed: false,
    attribution: false,
    aiTrainingAllowed: true,
    exclusive: false,
    transferable: false,
    duration: Number(365n * DAY),
    derivativeShareBps: 0,
    legalTextUri: "atelier://terms/ai-training/v1",
  },
} as const;

/** Preset name → terms id on a fresh deployment. */
export const TERMS_PRESET_IDS = {
  personal: 1,
  commercial: 2,
  commercialRemix: 3,
  exclusiveBuyout: 4,
  aiTraining: 5,
} as const;

/**
 * Deploys the whole Atelier protocol: `LicenseTerms` (with the presets), `Works`, `Licenses` and
 * `GenerationMarket`, wired together. The deployer (account 0) gets every role (admin, pauser, arbiter,
 * model admin) and is the default treasury.
 *
 * Parameters (all optional): treasury, licenseFeeBps (250), generationFeeBps (250), minStake (0.1 ETH),
 * claimLockAmount (0.01 ETH), unstakeCooldown (seconds, 1 day).
 */
export default buildModule("Atelier", (m) => {
  const deployer = m.getAccount(0);
  const treasury = m.getParameter("treasury", deployer);
  const licenseFeeBps = m.getParameter("licenseFeeBps", 250);
  const generationFeeBps = m.getParameter("generationFeeBps", 250);
  const minStake = m.getParameter("minStake", 10n ** 17n);
  const claimLockAmount = m.getParameter("claimLockAmount", 10n ** 16n);
  const unstakeCooldown = m.getParameter("unstakeCooldown", DAY);

  // The shipped artifacts (packages/protocol/artifacts, checked against a fresh compile by `npm test`),
  // so deploying never waits on the compiler.
  const artifact = <Name extends ContractName>(name: Name) => ({
    ...readShippedArtifact(name),
    abi: abis[name],
  });
  const terms = m.contract("LicenseTerms", artifact("LicenseTerms"), []);
  // Works deploys its Licenses companion in its constructor (each knows the other as an immutable).
  const works = m.contract("Works", artifact("Works"), [deployer, terms, treasury, licenseFeeBps]);
  const licenses = m.contractAt("Licenses", artifact("Licenses"), m.staticCall(works, "licenses", []), {
    id: "Licenses",
  });
  const market = m.contract("GenerationMarket", artifact("GenerationMarket"), [
    deployer,
    works,
    terms,
    treasury,
    generationFeeBps,
    minStake,
    claimLockAmount,
    unstakeCooldown,
  ]);
  m.call(works, "setMarket", [market]);

  let previous = undefined as ReturnType<typeof m.call> | undefined;
  for (const [name, preset] of Object.entries(TERMS_PRESETS)) {
    // Sequential so that the preset ids are deterministic (see TERMS_PRESET_IDS).
    previous = m.call(terms, "registerTerms", [preset], {
      id: `preset_${name}`,
      after: previous ? [previous] : [],
    });
  }

  return { terms, works, licenses, market };
});
