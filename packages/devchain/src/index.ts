export { startHardhatNode, type HardhatNodeOptions, type RunningChain } from "./hardhat-node.ts";
export { deployAtelier, ATELIER_MODULE, type DeployOptions } from "./deploy.ts";
export { freePort, assertPortFree } from "./ports.ts";
export { REPO_ROOT } from "./repo.ts";
export { readContractArtifacts, type ContractArtifact } from "./artifacts.ts";
export { DEV_ACCOUNT, devAccount, devPrivateKey } from "./dev-accounts.ts";
export {
  PRIVATE_OFFER_TYPES,
  privateOfferDomain,
  signPrivateOffer,
  type PrivateOffer,
} from "./private-offers.ts";
