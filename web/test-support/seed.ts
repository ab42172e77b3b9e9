/**
 * The e2e market: a few uploads with real watermarked JPEGs in IPFS blocks, ETH and ERC-20 offers on
 * the preset terms, a licensed derivative, a work whose metadata is hostile (script tags, bidi
 * overrides, a 100 KB description), and a small work brand2 holds a remix licence of. Every block the
 * works point at is returned for the blockstore.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import {
  createPublicClient,
  createWalletClient,
  http,
  keccak256,
  parseEther,
  parseEventLogs,
  stringToHex,
  zeroAddress,
  type Abi,
  type Address,
  type Hex,
} from "viem";
import { hardhat } from "viem/chains";
import { abis, contentHashOf, uploadWatermarkId, type Deployment } from "@atelier/protocol";
import { devAccount, REPO_ROOT } from "@atelier/devchain";
import { rawBlock, metadataBlock, type StoredMetadata } from "@atelier/indexer/scenario";
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
  const chain = { ...hardhat, id: deployment.chainId };
  const client = createPublicClient({ chain, transport: http(rpcUrl), cacheTime: 0 });
  const wallet = (role: keyof typeof ROLES) =>
    createWalletClient({ chain, transport: http(rpcUrl), account: devAccount(ROLES[role]) });
  const c = deployment.contracts as Record<string, Address>;
  const blocks: StoredMetadata[] = [];
  const works: SeededWork[] = [];

  async function buy(role: keyof typeof ROLES, workId: bigint, offerIndex: bigint, price: bigint) {
    const receipt = await send(
      role,
      "Licenses",
      "buyLicense",
      [workId, offerIndex, devAccount(ROLES[role]).address, price],
      price,
    );
    const [bought] = parseEventLogs({
      abi: abis.Licenses,
      logs: receipt.logs,
      eventName: "LicensePurchased" as never,
    }) as unknown as { args: { licenseId: bigint } }[];
    return bought!.args.licenseId;
  }

  async function send(
    role: keyof typeof ROLES,
    contract: keyof typeof abis,
    functionName: string,
    args: unknown[],
    value = 0n,
  ) {
    const hash = await wallet(role).writeContract({
      address: c[contract]!,
      abi: abis[contract],
      functionName,
      args,
      value,
    } as never);
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    if (receipt.status !== "success") throw new Error(`${contract}.${functionName} reverted`);
    return receipt;
  }

  // An ERC-20 the protocol accepts, with a balance for the brand.
  const erc20 = await mockErc20();
  const deployHash = await wallet("admin").deployContract({ abi: erc20.abi, bytecode: erc20.bytecode });
  const token = (await client.waitForTransactionReceipt({ hash: deployHash })).contractAddress!;
  await send("admin", "Works", "setCurrencyAllowed", [token, true]);
  const mint = await wallet("admin").writeContract({
    address: token,
    abi: erc20.abi,
    functionName: "mint",
    args: [devAccount(ROLES.brand).address, parseEther("1000")],
  });
  await client.waitForTransactionReceipt({ hash: mint });

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
  const dunesLicence = await buy("brand2", dunes.id, 1n, parseEther("0.1"));
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
  await buy("brand2", sketch.id, 1n, parseEther("0.2"));
  return { works, token, blocks, unmarked: await jpeg(pattern(99)) };
}
