/** A licence sale on a running scenario chain, for tests that watch an index pick it up. */
import { createWalletClient, http, type Account, type PublicClient } from "viem";
import { hardhat } from "viem/chains";
import { abis, type Deployment } from "@atelier/protocol";

export interface Sale {
  work: bigint;
  offerId: bigint;
  price: bigint;
}

/** The first ETH offer among `offers` (from an index) that `buyer` can buy right now (simulated on chain). */
export async function sellingOffer(
  client: PublicClient,
  deployment: Deployment,
  buyer: Account,
  offers: { work: string; offerId: string; price: string; currency: string }[],
): Promise<Sale> {
  for (const o of offers.filter((o) => BigInt(o.currency) === 0n)) {
    const sale = { work: BigInt(o.work), offerId: BigInt(o.offerId), price: BigInt(o.price) };
    const sells = await client
      .simulateContract({
        account: buyer,
        address: deployment.contracts.Licenses!,
        abi: abis.Licenses,
        functionName: "buyLicense",
        args: [sale.work, sale.offerId, buyer.address, sale.price],
        value: sale.price,
      } as never)
      .then(
        () => true,
        () => false,
      );
    if (sells) return sale;
  }
  throw new Error("no ETH offer that still sells among the index's active offers");
}

/** Buys a licence under `sale`; resolves with the block it was mined in. */
export async function buyLicence(
  client: PublicClient,
  rpcUrl: string,
  deployment: Deployment,
  buyer: Account,
  sale: Sale,
): Promise<bigint> {
  const wallet = createWalletClient({ chain: hardhat, transport: http(rpcUrl), account: buyer });
  const hash = await wallet.writeContract({
    address: deployment.contracts.Licenses!,
    abi: abis.Licenses,
    functionName: "buyLicense",
    args: [sale.work, sale.offerId, buyer.address, sale.price],
    value: sale.price,
  } as never);
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`buyLicense reverted (${hash})`);
  return receipt.blockNumber;
}

/** Ponder GraphQL for the active offers `sellingOffer` chooses from. */
export const ACTIVE_OFFERS = `{ offers(where: { active: true }, limit: 100) { items { work offerId price currency } } }`;
export type ActiveOffers = {
  offers: { items: { work: string; offerId: string; price: string; currency: string }[] };
};
