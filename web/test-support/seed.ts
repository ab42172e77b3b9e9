/**
 * The e2e market: a few uploads with real watermarked JPEGs in IPFS blocks, ETH and ERC-20 offers on
 * the preset terms, a licensed derivative, a work whose metadata is hostile (script tags, bidi
 * overrides, a 100 KB description), and a small work brand2 holds a remix licence of. Every block the
 * works point at is returned for the blockstore.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  keccak256,
  parseEther,
  parseEventLogs,
  stringToHex,
  zeroAddress,
  type Abi,
  type Address,
  type Hex,
} from "viem";
import { abis, contentHashOf, uploadWatermarkId, type Deployment } from "@atelier/protocol";
import { devAccount, REPO_ROOT } from "@atelier/devchain";
import { contract, ensureLicence, seedChain } from "@atelier/seed";
import { rawBlock, metadataBlock, type StoredMetadata } from "@atelier/devchain/scenario";
import { jpeg, markedJpeg, pattern } from "./images.ts";

export const ROLES = { admin: 0, creatorA: 1, creatorB: 3, brand: 4, brand2: 5 } as const;
export const PRESET = { personal: 1, commercial: 2, remix: 3, exclusive: 4, aiTraining: 5 } as const;

export const HOSTILE_TITLE =
  '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> \u202Egnp.exe\u202C title';

/** The small seeded work that the remix (upscale) test enlarges. */
export const SKETCH_TITLE = "Pocket sketch";
export const SKETCH_SIDE = 128;

export interface SeededWork {
  id: bigint;
  title: string;
  creator: Address;
  image?: { cid: string; bytes: Uint8Array; watermarkId: bigint };
}

export interface Seed {
  works: SeededWork[];
  token: Address;
  blocks: StoredMetadata[];
  /** An image that was never minted (for "nothing found"). */
  unmarked: Uint8Array;
}

async function mockErc20(): Promise<{ abi: Abi; bytecode: Hex }> {
  const file = path.join(REPO_ROOT, "artifacts/contracts/test/mocks/MockERC20.sol/MockERC20.json");
  const artifact = JSON.parse(await readFile(file, "utf8")) as { abi: Abi; bytecode: Hex };
  return artifact;
}

export async function seedMarket(rpcUrl: string, deployment: Deployment): Promise<Seed> {
  const chain = seedChain(rpcUrl, deployment);
  const send = (role: keyof typeof ROLES, name: keyof typeof abis, functionName: string, args: unknown[]) =>
    chain.send(ROLES[role], contract(chain, name), functionName, args);
  const tally = { works: 0, licences: 0, other: 0 };
  const buy = (role: keyof typeof ROLES, workId: bigint, offerId: number) =>
    ensureLicence(chain, workId, offerId, ROLES[role], tally);
  const blocks: StoredMetadata[] = [];
  const works: SeededWork[] = [];

  // An ERC-20 the protocol accepts, with a balance for the brand.
  const erc20 = await mockErc20();
  const deployHash = await chain.wallet(ROLES.admin).deployContract({
    ...erc20,
    account: devAccount(ROLES.admin),
    chain: chain.client.chain,
  });
  const token = (await chain.client.waitForTransactionReceipt({ hash: deployHash })).contractAddress!;
  await send("admin", "Works", "setCurrencyAllowed", [token, true]);
  await chain.send(ROLES.admin, { address: token, abi: erc20.abi }, "mint", [
    devAccount(ROLES.brand).address,
    parseEther("1000"),
  ]);

  const offer = (termsId: number, price: bigint, currency: Address = zeroAddress, maxSupply = 0) => ({
    termsId,
    currency,
    price,
    maxSupply,
  });

  async function upload(
    role: keyof typeof ROLES,
    seed: number,
    meta: { name: string; description: string },
    offers: ReturnType<typeof offer>[],
    parents: { workId: bigint; licenseId: bigint }[] = [],
    size = 512,
  ): Promise<SeededWork> {
    const minter = devAccount(ROLES[role]).address;
    const salt = keccak256(stringToHex(`web-e2e-${seed}`));
    const watermarkId = uploadWatermarkId(minter, salt);
    const marked = await markedJpeg(pattern(seed, size), watermarkId);
    const image = rawBlock(marked.bytes);
    const metadata = metadataBlock({ ...meta, image: `ipfs://${image.cid}` });
    blocks.push(image, metadata);
    const receipt = await send(role, "Works", "mintWork", [
      contentHashOf(marked.bytes),
      metadata.digest,
      salt,
      marked.perceptualHash,
      500,
      parents,
      offers,
    ]);
    const [minted] = parseEventLogs({
      abi: abis.Works,
      logs: receipt.logs,
      eventName: "WorkMinted" as never,
    }) as unknown as {
      args: { workId: bigint };
    }[];
    const work: SeededWork = {
      id: minted!.args.workId,
      title: meta.name,
      creator: minter,
      image: { cid: image.cid, bytes: marked.bytes, watermarkId },
    };
    works.push(work);
    return work;
  }

  await upload("creatorA", 1, { name: "Harbour at dawn", description: "Boats and a pink sky." }, [
    offer(PRESET.personal, parseEther("0.01")),
    offer(PRESET.commercial, parseEther("0.05")),
  ]);
  const dunes = await upload("creatorB", 2, { name: "Violet dunes", description: "Sand in violet light." }, [
    offer(PRESET.remix, parseEther("0.1")),
    offer(PRESET.aiTraining, parseEther("5"), token),
  ]);
  await upload("creatorB", 3, { name: HOSTILE_TITLE, description: `${"long description ".repeat(6000)}` }, [
    offer(PRESET.personal, parseEther("0.02")),
  ]);
  // A derivative of the dunes under a remix licence bought by brand2.
  const dunesLicence = await buy("brand2", dunes.id, 1);
  await upload(
    "brand2",
    4,
    { name: "Violet dunes, remixed", description: "A derivative of Violet dunes." },
    [offer(PRESET.commercial, parseEther("0.03"))],
    [{ workId: dunes.id, licenseId: dunesLicence }],
  );
  // A small work (a quick ×4 upscale on a CPU) that brand2 holds a remix licence of.
  const sketch = await upload(
    "creatorB",
    5,
    { name: SKETCH_TITLE, description: "A small study in colour, made to be remixed." },
    [offer(PRESET.remix, parseEther("0.2"))],
    [],
    SKETCH_SIDE,
  );
  await buy("brand2", sketch.id, 1);
  return { works, token, blocks, unmarked: await jpeg(pattern(99)) };
}
