/**
 * Everything a licence certificate shows, read from the chain (the licence, its terms, the work, the purchase
 * transaction) with the work's name and image from its metadata (index, or the gateway when the index lacks
 * it). Shared by the printable page and the PDF download.
 */
import { error } from "@sveltejs/kit";
import { erc20Abi, zeroAddress, type Address } from "viem";
import { certificateData, ETH, type CertificateData, type Currency } from "@atelier/explain";
import { ipfsUriOfDigest, licensesAbi, licenseTermsAbi, worksAbi } from "@atelier/protocol";
import { gatewayUrl } from "#lib/config.ts";
import { chain, config, index } from "#lib/server/index.ts";

export interface LoadedCertificate {
  data: CertificateData;
  licenseId: string;
  /** Gateway URL of the work's image (null when its metadata names none). */
  imageUrl: string | null;
  valid: boolean;
}

export function parseLicenceId(raw: string): bigint {
  if (!/^[0-9]{1,80}$/.test(raw)) {
    error(400, {
      message: `"${raw.slice(0, 80)}" is not a licence id`,
      hint: "Licence ids are decimal numbers, as shown under My account.",
    });
  }
  return BigInt(raw);
}

async function currencyOf(address: Address): Promise<Pick<Currency, "symbol" | "decimals">> {
  if (address === zeroAddress) return ETH;
  const client = chain();
  try {
    const [symbol, decimals] = await Promise.all([
      client.readContract({ address, abi: erc20Abi, functionName: "symbol" }),
      client.readContract({ address, abi: erc20Abi, functionName: "decimals" }),
    ]);
    return { symbol: symbol.slice(0, 12), decimals };
  } catch {
    return { symbol: `token ${address.slice(0, 8)}…`, decimals: 18 };
  }
}

async function metadata(cid: string): Promise<{ name: string | null; image: string | null }> {
  try {
    const found = (await index().metadataOf([cid])).get(cid);
    if (found && found.status === "ok") return { name: found.name, image: found.image };
  } catch {
    // the index may be down: the gateway still has the JSON
  }
  try {
    const res = await fetch(`${config().gateway}/ipfs/${cid}`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) return { name: null, image: null };
    const json = (await res.json()) as { name?: unknown; image?: unknown };
    return {
      name: typeof json.name === "string" ? json.name : null,
      image: typeof json.image === "string" ? json.image : null,
    };
  } catch {
    return { name: null, image: null };
  }
}

export async function loadCertificate(rawId: string, origin: string): Promise<LoadedCertificate> {
  const licenseId = parseLicenceId(rawId);
  const c = config();
  const client = chain();
  const licenses = c.deployment.contracts.Licenses;
  const terms = c.deployment.contracts.LicenseTerms;
  const works = c.deployment.contracts.Works;
  if (!licenses || !terms || !works)
    error(500, { message: "the deployment lacks Licenses, LicenseTerms or Works" });

  let info;
  try {
    info = await client.readContract({
      address: licenses,
      abi: licensesAbi,
      functionName: "licenseInfo",
      args: [licenseId],
    });
  } catch {
    error(404, {
      message: `There is no licence #${licenseId}`,
      hint: "Check the id; licences you hold are listed under My account.",
    });
  }
  const [termsFields, work, logs] = await Promise.all([
    client.readContract({
      address: terms,
      abi: licenseTermsAbi,
      functionName: "getTerms",
      args: [info.termsId],
    }),
    client.readContract({ address: works, abi: worksAbi, functionName: "workInfo", args: [info.workId] }),
    client.getContractEvents({
      address: licenses,
      abi: licensesAbi,
      eventName: "LicensePurchased",
      args: { licenseId },
      fromBlock: BigInt(c.deployment.startBlock),
      toBlock: "latest",
    }),
  ]);
  const purchase = logs[0];
  if (!purchase) error(404, { message: `No purchase of licence #${licenseId} was found on chain` });
  const cid = ipfsUriOfDigest(work.metadataDigest).slice("ipfs://".length);
  const [meta, currency] = await Promise.all([metadata(cid), currencyOf(info.currency)]);
  const imageUrl = gatewayUrl(meta.image, c.gateway);
  const verifyUrl = `${origin}/account/licences/${licenseId}/certificate`;
  const data = certificateData({
    licenseId,
    work: {
      id: info.workId,
      name: meta.name ?? "",
      creator: work.creator,
      ...(imageUrl ? { imageUrl } : {}),
    },
    terms: { ...termsFields },
    termsId: info.termsId,
    licensee: info.licensee,
    start: info.start,
    expiry: info.expiry,
    price: info.price,
    currency,
    chain: { id: c.deployment.chainId, name: c.chainName },
    licensesContract: licenses,
    transactionHash: purchase.transactionHash,
    blockNumber: purchase.blockNumber,
    verifyUrl,
    gateway: c.gateway,
  });
  return { data, licenseId: licenseId.toString(), imageUrl, valid: info.valid };
}
