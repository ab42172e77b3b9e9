import { toHex, type Hex } from "viem";
import { mnemonicToAccount, type HDAccount } from "viem/accounts";

/**
 * Hardhat's well-known development mnemonic. Its keys are public knowledge: fine for a local chain,
 * never for real funds.
 */
const DEV_MNEMONIC = "test test test test test test test test test test test junk";

/** Roles of the local stack's dev accounts: deployer/admin, requester (a creator), generator node. */
export const DEV_ACCOUNT = { admin: 0, requester: 1, node: 2 } as const;

export function devAccount(index: number): HDAccount {
  return mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index });
}

export function devPrivateKey(index: number): Hex {
  const key = devAccount(index).getHdKey().privateKey;
  if (!key) throw new Error(`dev account ${index} has no private key`);
  return toHex(key);
}
