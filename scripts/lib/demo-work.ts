/**
 * A first generated work on a fresh local stack, so a newcomer sees the whole path run: a creator's
 * request → the local node claims, generates, watermarks, stores → the work is minted on chain.
 */
import {
  createPublicClient,
  createWalletClient,
  http,
  parseEther,
  parseEventLogs,
  stringToHex,
  zeroAddress,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { hardhat } from "viem/chains";
import { contractAddress, generationMarketAbi, worksAbi, type Deployment } from "@atelier/protocol";
import { DEV_ACCOUNT, devAccount } from "@atelier/devchain";

/** Terms preset 2 of the deployment: commercial use, one year. */
const COMMERCIAL_TERMS = 2;

export interface DemoWork {
  jobId: bigint;
  workId: bigint;
  tokenUri: string;
  metadataUrl: string;
  imageUrl?: string;
}

/**
 * One requestGeneration of `wallet`'s account with `fee` escrowed, the work to carry a commercial ETH offer
 * at 0.01 ETH; resolves with the job id from its JobRequested event and the block it was mined in.
 */
export async function requestJob(
  wallet: WalletClient<Transport, Chain, Account>,
  client: PublicClient,
  market: Address,
  request: { modelId: number; prompt: string; deadline: number; fee: bigint },
): Promise<{ jobId: bigint; blockNumber: bigint }> {
  const hash = await wallet.writeContract({
    address: market,
    abi: generationMarketAbi,
    functionName: "requestGeneration",
    args: [
      request.modelId,
      stringToHex(request.prompt),
      "0x",
      request.deadline,
      500,
      { termsId: COMMERCIAL_TERMS, currency: zeroAddress, price: parseEther("0.01"), maxSupply: 0 },
      [],
    ],
    value: request.fee,
  });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  const [requested] = parseEventLogs({
    abi: generationMarketAbi,
    logs: receipt.logs,
    eventName: "JobRequested",
  });
  if (!requested) throw new Error(`requestGeneration (${hash}) emitted no JobRequested`);
  return { jobId: requested.args.jobId, blockNumber: receipt.blockNumber };
}

export async function requestDemoWork(options: {
  rpcUrl: string;
  deployment: Deployment;
  modelId: number;
  gatewayUrl: string;
  prompt: string;
  timeoutMs?: number;
}): Promise<DemoWork> {
  const chain = { ...hardhat, id: options.deployment.chainId };
  const publicClient = createPublicClient({ chain, transport: http(options.rpcUrl), cacheTime: 0 });
  const creator = createWalletClient({
    chain,
    transport: http(options.rpcUrl),
    account: devAccount(DEV_ACCOUNT.requester),
  });
  const market = contractAddress(options.deployment, "GenerationMarket");
  const works = contractAddress(options.deployment, "Works");

  const block = await publicClient.getBlock();
  const { jobId, blockNumber } = await requestJob(creator, publicClient, market, {
    modelId: options.modelId,
    prompt: options.prompt,
    deadline: Number(block.timestamp) + 600,
    fee: parseEther("0.01"),
  });

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const [fulfilled] = await publicClient.getContractEvents({
      address: market,
      abi: generationMarketAbi,
      eventName: "JobFulfilled",
      args: { jobId },
      fromBlock: blockNumber,
    });
    if (fulfilled) {
      const workId = fulfilled.args.workId!;
      const tokenUri = await publicClient.readContract({
        address: works,
        abi: worksAbi,
        functionName: "tokenURI",
        args: [workId],
      });
      const metadataUrl = `${options.gatewayUrl}/ipfs/${tokenUri.replace("ipfs://", "")}`;
      const image = await imageOf(metadataUrl);
      return {
        jobId,
        workId,
        tokenUri,
        metadataUrl,
        ...(image ? { imageUrl: `${options.gatewayUrl}/ipfs/${image}` } : {}),
      };
    }
    if (Date.now() > deadline)
      throw new Error(`demo job ${jobId} was not fulfilled in time; see the node log`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function imageOf(metadataUrl: string): Promise<Hex | string | undefined> {
  const response = await fetch(metadataUrl);
  if (!response.ok) return undefined;
  const metadata = (await response.json()) as { image?: unknown };
  return typeof metadata.image === "string" ? metadata.image.replace("ipfs://", "") : undefined;
}
