/**
 * What a found watermark means: the work it names on chain. Only the CLI uses this (the core stays free of
 * chain code); the chain is reached through a deployment file written by `npm start` or a deployer.
 */
import { createPublicClient, http, type Address } from "viem";
import { contractAddress, licensesAbi, worksAbi, type Deployment } from "@atelier/protocol";
import { readDeployment } from "@atelier/protocol/node";

export interface WorkLookup {
  chainId: number;
  works: Address;
  watermarkId: string;
  /** null when no work on this deployment carries the id. */
  work: null | {
    id: string;
    creator: Address;
    owner: Address;
    tokenUri: string;
    generated: boolean;
    flagged: boolean;
    licencesSold: string;
  };
}

/** The chain and deployment to ask: `--rpc` (default chain's deployment file) and/or `--deployment`. */
export async function connect(rpcUrl: string, deploymentFile?: string) {
  let url: URL;
  try {
    url = new URL(rpcUrl);
  } catch {
    throw new Error(
      `--rpc "${rpcUrl}" is not a URL: give the chain's JSON-RPC endpoint, e.g. http://127.0.0.1:8545`,
    );
  }
  if (!/^(https?|wss?):$/.test(url.protocol)) {
    throw new Error(`--rpc must be an http(s) or ws(s) URL, got ${url.protocol}`);
  }
  const client = createPublicClient({ transport: http(rpcUrl) });
  let chainId: number;
  try {
    chainId = await client.getChainId();
  } catch (error) {
    throw new Error(
      `cannot reach the chain at ${rpcUrl} (${(error as Error).message.split("\n")[0]}): is it running?`,
      { cause: error },
    );
  }
  const deployment: Deployment = await readDeployment(deploymentFile ?? chainId);
  if (deployment.chainId !== chainId) {
    throw new Error(
      `the deployment file is for chain ${deployment.chainId} but ${rpcUrl} is chain ${chainId}: pass the matching --deployment`,
    );
  }
  return { client, deployment, chainId };
}

export async function lookupWatermark(
  rpcUrl: string,
  watermarkId: bigint,
  deploymentFile?: string,
): Promise<WorkLookup> {
  const { client, deployment, chainId } = await connect(rpcUrl, deploymentFile);
  const works = contractAddress(deployment, "Works");
  const licenses = contractAddress(deployment, "Licenses");
  const base = { chainId, works, watermarkId: watermarkId.toString() };
  const workId = await client.readContract({
    address: works,
    abi: worksAbi,
    functionName: "workByWatermark",
    args: [watermarkId],
  });
  if (workId === 0n) return { ...base, work: null };

  const [info, tokenUri, privateSales] = await Promise.all([
    client.readContract({ address: works, abi: worksAbi, functionName: "workInfo", args: [workId] }),
    client.readContract({ address: works, abi: worksAbi, functionName: "tokenURI", args: [workId] }),
    client.readContract({
      address: licenses,
      abi: licensesAbi,
      functionName: "privateSales",
      args: [workId],
    }),
  ]);
  const sold = await Promise.all(
    Array.from({ length: Number(info.offerCount) }, (_, i) =>
      client.readContract({
        address: works,
        abi: worksAbi,
        functionName: "offerSold",
        args: [workId, BigInt(i + 1)],
      }),
    ),
  );
  return {
    ...base,
    work: {
      id: workId.toString(),
      creator: info.creator,
      owner: info.owner,
      tokenUri,
      generated: info.generated,
      flagged: info.flagged,
      licencesSold: (sold.reduce((sum, n) => sum + n, 0n) + privateSales).toString(),
    },
  };
}

/** The lines a person reads. */
export function describeLookup(lookup: WorkLookup): string {
  if (lookup.work === null) {
    return (
      `no work on chain ${lookup.chainId} (Works ${lookup.works}) carries watermark id ${lookup.watermarkId}.\n` +
      `The mark is an Atelier mark, but it was made for another deployment or for a work not minted yet.\n`
    );
  }
  const w = lookup.work;
  return [
    `work ${w.id} on chain ${lookup.chainId} (Works ${lookup.works})${w.flagged ? " — FLAGGED by the arbiter" : ""}`,
    `  creator      ${w.creator}`,
    `  owner        ${w.owner}`,
    `  token URI    ${w.tokenUri}`,
    `  source       ${w.generated ? "generated on request" : "upload"}`,
    `  licences     ${w.licencesSold} sold`,
    "",
  ].join("\n");
}
