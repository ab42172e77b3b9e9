/**
 * Verify's lookups, from the numbers the browser read off an image (never the image itself): the
 * work a watermark id names, the work with exactly this content hash, perceptual-hash near matches,
 * and whether an address holds a valid licence for chosen rights (`Licenses.isLicensedFor`).
 */
import type { Address } from "viem";
import { licensesAbi } from "@atelier/protocol";
import { loadNearMatchIndex, type NearMatchIndex, type WorkSummary } from "@atelier/query";
import { chain, config, index } from "./index.ts";

/** Near matches within this many of 64 bits are shown (re-encoded or resized copies stay well inside). */
export const NEAR_MAX_DISTANCE = 10;
const INDEX_TTL_MS = 15_000;

let near: { index: NearMatchIndex; built: number } | undefined;
let building: Promise<NearMatchIndex> | undefined;

async function nearIndex(): Promise<NearMatchIndex> {
  if (near && Date.now() - near.built < INDEX_TTL_MS) return near.index;
  building ??= loadNearMatchIndex(index())
    .then((built) => {
      near = { index: built, built: Date.now() };
      return built;
    })
    .finally(() => (building = undefined));
  return building;
}

export async function nearMatches(hash: bigint): Promise<{ work: WorkSummary; distance: number }[]> {
  const found = (await nearIndex()).search(hash, NEAR_MAX_DISTANCE, 5);
  const works = await Promise.all(found.map((f) => index().work(f.workId)));
  return found.flatMap((f, i) => (works[i] ? [{ work: works[i]!, distance: f.distance }] : []));
}

export const LICENCE_REASONS = [
  "holds a valid licence with every right you chose",
  "holds no licence of this work",
  "held a licence of this work, but every one has expired",
  "holds a valid licence of this work, but it does not grant every right you chose",
] as const;

export async function licenceCheck(
  workId: string,
  account: Address,
  requiredFlags: number,
): Promise<{ licensed: boolean; licenseId: string; reason: string }> {
  const [licensed, licenseId, reason] = await chain().readContract({
    address: config().deployment.contracts.Licenses as Address,
    abi: licensesAbi,
    functionName: "isLicensedFor",
    args: [BigInt(workId), account, requiredFlags],
  });
  return {
    licensed,
    licenseId: licenseId.toString(),
    reason: LICENCE_REASONS[reason] ?? `reason code ${reason}`,
  };
}
