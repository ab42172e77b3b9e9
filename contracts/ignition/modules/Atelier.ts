import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { legalTextUri } from "../legal-texts.ts";
import {
  abis,
  TERMS_PRESETS as PRESETS,
  TERMS_PRESET_IDS,
  type ContractName,
  type PresetName,
  type PresetTerms,
} from "@atelier/protocol";
import { readShippedArtifact } from "@atelier/protocol/node";

const DAY = 24n * 60n * 60n;

/**
 * The license-term presets registered at deployment (`@atelier/protocol`'s `TERMS_PRESETS`, ids 1..5 in
 * this order on a fresh registry), each with the `ipfs://` CID of contracts/terms/<folder>/v1.md as its
 * legal text URI, computed here from the file.
 */
export const TERMS_PRESETS = Object.fromEntries(
  PRESETS.map((p) => [p.name, { ...p.terms, legalTextUri: legalTextUri(p.legalTextFolder) }]),
) as Record<PresetName, PresetTerms & { legalTextUri: string }>;

export { TERMS_PRESET_IDS };

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
  // Licence metadata (tokenURI) is rendered by a stateless contract of its own (contract size limit).
  const renderer = m.contract("LicenseRenderer", artifact("LicenseRenderer"), []);
  m.call(licenses, "setMetadataRenderer", [renderer]);

  let previous = undefined as ReturnType<typeof m.call> | undefined;
  for (const { name } of PRESETS) {
    // Sequential so that the preset ids are deterministic (see TERMS_PRESET_IDS).
    previous = m.call(terms, "registerTerms", [TERMS_PRESETS[name]], {
      id: `preset_${name}`,
      after: previous ? [previous] : [],
    });
  }

  return { terms, works, licenses, market, renderer };
});
