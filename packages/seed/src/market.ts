/**
 * The uploaded half of the demo market: Test USD, the creators' uploads with their offers, the licences
 * sold (one of them the exclusive that sells the aurora out), the licensed derivative and the flagged work.
 * Every step first looks on chain for its own result (a work by its content hash, a licence by work,
 * buyer and offer, the flag) and sends nothing when it is there: a second run adds nothing.
 */
import { parseEventLogs, zeroAddress, type Address, type Hex } from "viem";
import { abis } from "@atelier/protocol";
import { devAccount } from "@atelier/devchain";
import { contract, type SeedChain } from "./chain.ts";
import type { ContentSink } from "./content.ts";
import { FLAGGED, SALES, UPLOADS, type PlannedOffer, ACCOUNTS, BUYERS } from "./plan.ts";
import { uploadMetadata, type PreparedUpload } from "./prepare.ts";
import { ensureToken, tusd } from "./token.ts";

export interface SeededWork {
  key: string;
  workId: bigint;
  title: string;
  creator: Address;
  kind: "upload" | "generated" | "variation";
  /** Set when this run minted it (false: found from an earlier run). */
  added: boolean;
}

export interface Tally {
  works: number;
  licences: number;
  other: number;
}

export const offerInput = (offer: PlannedOffer, token: Address) => ({
  termsId: offer.terms,
  currency: offer.tusd !== undefined ? token : zeroAddress,
  price: offer.tusd !== undefined ? tusd(offer.tusd) : offer.eth!,
  maxSupply: offer.maxSupply ?? 0,
});

/** The licence `buyer` holds from offer `offerId` of `workId`, buying it when there is none yet. */
export async function ensureLicence(
  chain: SeedChain,
  workId: bigint,
  offerId: number,
  buyer: number,
  tally: Tally,
): Promise<bigint> {
  const licenses = contract(chain, "Licenses");
  const licensee = devAccount(buyer).address;
  const earlier = await chain.client.getContractEvents({
    address: licenses.address,
    abi: abis.Licenses,
    eventName: "LicensePurchased",
    args: { workId, licensee },
    fromBlock: BigInt(chain.deployment.startBlock),
  });
  const held = earlier.find((e) => e.args.offerId === BigInt(offerId));
  if (held) return held.args.licenseId!;

  const works = contract(chain, "Works");
  const offer = (await chain.client.readContract({
    ...works,
    functionName: "offerInfo",
    args: [workId, BigInt(offerId)],
  })) as { currency: Address; price: bigint };
  if (offer.currency !== zeroAddress) {
    await chain.send(buyer, { address: offer.currency, abi: erc20ApproveAbi }, "approve", [
      licenses.address,
      offer.price,
    ]);
  }
  const receipt = await chain.send(
    buyer,
    licenses,
    "buyLicense",
    [workId, BigInt(offerId), licensee, offer.price],
    offer.currency === zeroAddress ? offer.price : 0n,
  );
  const [bought] = parseEventLogs({ abi: abis.Licenses, logs: receipt.logs, eventName: "LicensePurchased" });
  tally.licences++;
  return bought!.args.licenseId;
}

const erc20ApproveAbi = [
  {
    type: "function",
    name: "approve",
    stateMutability: "nonpayable",
    inputs: [
      { name: "spender", type: "address" },
      { name: "amount", type: "uint256" },
    ],
    outputs: [{ type: "bool" }],
  },
] as const;

export interface UploadsSeeded {
  token: Address;
  works: Map<string, SeededWork>;
  tally: Tally;
}

export async function seedUploads(options: {
  chain: SeedChain;
  content: ContentSink;
  /** The picture of a planned upload, made ready by its creator (see prepareUpload). */
  picture(key: string, minter: Address): Promise<PreparedUpload>;
  log(line: string): void;
}): Promise<UploadsSeeded> {
  const { chain, content, log } = options;
  const tally: Tally = { works: 0, licences: 0, other: 0 };
  const { token, added } = await ensureToken(chain, {
    deployer: ACCOUNTS.tokenDeployer,
    admin: ACCOUNTS.admin,
    holders: BUYERS,
  });
  tally.other += added;
  const worksContract = contract(chain, "Works");
  const works = new Map<string, SeededWork>();

  for (const planned of UPLOADS) {
    const minter = devAccount(planned.creator).address;
    const picture = await options.picture(planned.scene.key, minter);
    const existing = (await chain.client.readContract({
      ...worksContract,
      functionName: "workByContentHash",
      args: [picture.contentHash],
    })) as bigint;
    const record = (workId: bigint, wasAdded: boolean): SeededWork => ({
      key: planned.scene.key,
      workId,
      title: planned.scene.title,
      creator: minter,
      kind: "upload",
      added: wasAdded,
    });
    if (existing !== 0n) {
      works.set(planned.scene.key, record(existing, false));
      continue;
    }
    const parents: { workId: bigint; licenseId: bigint; image?: string }[] = [];
    if (planned.parent) {
      const parent = works.get(planned.parent.key);
      if (!parent) throw new Error(`the derivative ${planned.scene.key} needs ${planned.parent.key} first`);
      const licenseId = await ensureLicence(
        chain,
        parent.workId,
        planned.parent.offerId,
        planned.creator,
        tally,
      );
      parents.push({ workId: parent.workId, licenseId });
    }
    const image = await content.image(picture.png);
    if (image.contentHash !== picture.contentHash)
      throw new Error(`the upload endpoint stored ${planned.scene.key} with another content hash`);
    const json = new TextEncoder().encode(JSON.stringify(uploadMetadata(picture, image.uri, parents)));
    const metadata = await content.metadata(json);
    const receipt = await chain.send(planned.creator, worksContract, "mintWork", [
      picture.contentHash,
      metadata.metadataDigest,
      picture.salt,
      picture.perceptualHash,
      planned.royaltyBps,
      parents.map(({ workId, licenseId }) => ({ workId, licenseId })),
      planned.offers.map((offer) => offerInput(offer, token)),
    ]);
    const [minted] = parseEventLogs({ abi: abis.Works, logs: receipt.logs, eventName: "WorkMinted" });
    const workId = minted!.args.workId;
    works.set(planned.scene.key, record(workId, true));
    tally.works++;
    log(
      `work ${workId} “${planned.scene.title}” uploaded by ${short(minter)}${parents.length ? ` (derivative of work ${parents[0]!.workId})` : ""}`,
    );
  }

  for (const sale of SALES) {
    const work = works.get(sale.key)!;
    await ensureLicence(chain, work.workId, sale.offerId, sale.buyer, tally);
  }

  const flagged = works.get(FLAGGED.key)!;
  const isFlagged = await chain.client.readContract({
    ...worksContract,
    functionName: "isFlagged",
    args: [flagged.workId],
  });
  if (!isFlagged) {
    await chain.send(ACCOUNTS.admin, worksContract, "setFlagged", [flagged.workId, true, FLAGGED.reason]);
    tally.other++;
  }
  return { token, works, tally };
}

export const short = (address: Address | Hex) => `${address.slice(0, 6)}…${address.slice(-4)}`;
