/**
 * Works with real images on a local chain, for the embedding tests: each image stored in a blockstore
 * as a multi-block UnixFS file (small chunks, like the generator node's large PNGs), its metadata as a
 * raw block naming `ipfs://<image cid>`, minted by one creator with one open offer.
 */
import { FsBlockstore } from "blockstore-fs";
import { importer } from "ipfs-unixfs-importer";
import { fixedSize } from "ipfs-unixfs-importer/chunker";
import { CID } from "multiformats/cid";
import { keccak256, toHex, zeroAddress, type Address } from "viem";
import { abis, type Deployment } from "@atelier/protocol";
import { devClients } from "@atelier/devchain/test-support";
import { metadataBlock, rawBlock } from "@atelier/devchain/scenario";

export interface ArtWork {
  /** The image: bytes stored as UnixFS, a URI to store as is (hostile or off-IPFS), or left out of the store. */
  image: { bytes: Uint8Array } | { uri: string } | { missing: true };
  perceptualHash: bigint;
  name: string;
}

/** Stores a file as UnixFS in 4 KiB chunks (raw leaves, CIDv1); returns its CID. */
export async function storeFile(store: FsBlockstore, bytes: Uint8Array): Promise<string> {
  let root: CID | undefined;
  for await (const entry of importer([{ content: bytes }], store, {
    chunker: fixedSize({ chunkSize: 4096 }),
    rawLeaves: true,
    cidVersion: 1,
  }))
    root = entry.cid;
  return root!.toString();
}

/** Mints the works in order (ids 1, 2, …) and stores what they reference; returns their ids. */
export async function mintArtWorks(
  rpcUrl: string,
  deployment: Deployment,
  blockstoreDir: string,
  works: readonly ArtWork[],
): Promise<bigint[]> {
  const store = new FsBlockstore(blockstoreDir);
  await store.open();
  const clients = devClients(rpcUrl, deployment.chainId);
  const { client } = clients;
  const wallet = clients.wallet(1);
  const ids: bigint[] = [];
  try {
    for (const [i, w] of works.entries()) {
      let image: string;
      if ("bytes" in w.image) image = `ipfs://${await storeFile(store, w.image.bytes)}`;
      else if ("uri" in w.image) image = w.image.uri;
      else image = `ipfs://${rawBlock(new TextEncoder().encode(`never stored ${i}`)).cid}`;
      const meta = metadataBlock({ name: w.name, description: `art work ${i}`, image });
      await store.put(CID.parse(meta.cid), meta.bytes);
      const hash = await wallet.writeContract({
        address: deployment.contracts.Works as Address,
        abi: abis.Works,
        functionName: "mintWork",
        args: [
          keccak256(toHex(`art-work-${i}-${meta.cid}`)),
          meta.digest,
          `0x${"00".repeat(32)}`,
          w.perceptualHash,
          500,
          [],
          [{ termsId: 2, currency: zeroAddress, price: 10n ** 15n, maxSupply: 0 }],
        ],
      } as never);
      const receipt = await client.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`mintWork of art work ${i} reverted`);
      ids.push(BigInt(i + 1));
    }
  } finally {
    await store.close();
  }
  return ids;
}
