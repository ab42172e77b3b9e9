/**
 * EIP-712 private offers of the Licenses contract: the typed-data domain and types a creator signs and
 * `buyPrivateLicense` verifies. One definition for every test and script that signs one (the indexer
 * scenario; the contract tests should import these too instead of their own copy).
 */
import type { Address, Hex, WalletClient } from "viem";

export const PRIVATE_OFFER_TYPES = {
  PrivateOffer: [
    { name: "workId", type: "uint256" },
    { name: "termsId", type: "uint32" },
    { name: "buyer", type: "address" },
    { name: "currency", type: "address" },
    { name: "price", type: "uint96" },
    { name: "duration", type: "uint40" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint40" },
    { name: "issuedAt", type: "uint40" },
  ],
} as const;

export interface PrivateOffer {
  workId: bigint;
  termsId: number;
  buyer: Address;
  currency: Address;
  price: bigint;
  duration: number;
  nonce: bigint;
  deadline: number;
  issuedAt: number;
}

/** The domain `Licenses` verifies against (its EIP-712 name and version, this chain, its address). */
export const privateOfferDomain = (chainId: number, licenses: Address) =>
  ({ name: "Atelier Licenses", version: "1", chainId, verifyingContract: licenses }) as const;

/** The signer's EIP-712 signature of `offer` for the Licenses contract at `licenses` on `chainId`. */
export function signPrivateOffer(
  signer: WalletClient,
  chainId: number,
  licenses: Address,
  offer: PrivateOffer,
): Promise<Hex> {
  if (!signer.account) throw new Error("the wallet client has no account: create it with { account }");
  return signer.signTypedData({
    account: signer.account,
    domain: privateOfferDomain(chainId, licenses),
    types: PRIVATE_OFFER_TYPES,
    primaryType: "PrivateOffer",
    message: offer,
  });
}
