/** A licence sale on a running scenario chain, for tests that watch an index pick it up. */
import type { Account, PublicClient } from "viem";
import { abis, type Deployment } from "@atelier/protocol";
import { deployAtelier, startHardhatNode, type RunningChain } from "@atelier/devchain";
import { devClients } from "@atelier/devchain/test-support";
import { ACCOUNTS, runScenario } from "@atelier/devchain/scenario";
import { startPonder, type RunningPonder } from "./ponder.ts";

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
  const wallet = devClients(rpcUrl, deployment.chainId).wallet(buyer);
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

export interface SaleStack {
  chain: RunningChain;
  deployment: Deployment;
  /** Ponder (PGlite) that has indexed the whole scenario. */
  ponder: RunningPonder;
  client: PublicClient;
  /** An ETH offer of the scenario that still sells (found through the index, checked on chain). */
  sale: Sale;
  /** Buys one more licence under `sale` as the scenario's brand; resolves with its block (not yet indexed). */
  buy(): Promise<bigint>;
  stop(): Promise<void>;
}

/** A Hardhat chain with the deployment and the scenario's market, Ponder caught up on it, one sale ready. */
export async function startSaleStack(options: { ponderNodeFlags?: string[] } = {}): Promise<SaleStack> {
  const chain = await startHardhatNode();
  let ponder: RunningPonder | undefined;
  try {
    const deployment = await deployAtelier({ rpcUrl: chain.rpcUrl });
    const scenario = await runScenario(chain.rpcUrl, deployment);
    ponder = await startPonder({ rpcUrl: chain.rpcUrl, deployment, nodeFlags: options.ponderNodeFlags });
    await ponder.waitForBlock(scenario.toBlock);
    const { client } = devClients(chain.rpcUrl, deployment.chainId);
    const { offers } = await ponder.graphql<ActiveOffers>(ACTIVE_OFFERS);
    const sale = await sellingOffer(client, deployment, ACCOUNTS.brand, offers.items);
    const running = ponder;
    return {
      chain,
      deployment,
      ponder,
      client,
      sale,
      buy: () => buyLicence(client, chain.rpcUrl, deployment, ACCOUNTS.brand, sale),
      stop: async () => {
        await running.stop();
        await chain.stop();
      },
    };
  } catch (e) {
    await ponder?.stop();
    await chain.stop();
    throw e;
  }
}
