/** Setup shared by the Licenses tests (`contracts/test/licenses/`): the protocol fee of a sale, signed private offers. */
import { signPrivateOffer, type PrivateOffer } from "@atelier/devchain";
import { LICENSE_FEE_BPS, ZERO, type createFixture } from "./fixture.ts";

type Fixture = Awaited<ReturnType<typeof createFixture>>;
export type Deployed = Awaited<ReturnType<Fixture["load"]>>;

/** The protocol's cut of a licence sale at `price`. */
export const licenseFee = (price: bigint) => (price * LICENSE_FEE_BPS) / 10_000n;

export function licenseTools(f: Fixture) {
  const { creator, buyer, publicClient } = f;

  /** A private offer signed by `signer` for this deployment's Licenses contract. */
  async function signOffer(d: Deployed, signer: Fixture["creator"], offer: PrivateOffer) {
    return signPrivateOffer(signer, await publicClient.getChainId(), d.licenses.address, offer);
  }

  /** The buyer redeems `offer` as the creator signed it, paying its price in ETH (in a token: approved before). */
  async function redeem(d: Deployed, offer: PrivateOffer) {
    return d.licenses.write.buyPrivateLicense([offer, await signOffer(d, creator, offer)], {
      account: buyer.account,
      ...(offer.currency === ZERO ? { value: offer.price } : {}),
    });
  }

  return { signOffer, redeem };
}
