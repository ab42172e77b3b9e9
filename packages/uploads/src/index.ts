/**
 * `@atelier/uploads`: the dApp server's upload endpoint core. Open once per server process:
 *
 *   const uploads = await openUploads({ dir: ".atelier/uploads" });
 *   export const POST = ({ request }) => uploads.handle(request);
 */
import { UploadHandler, type UploadLimits } from "./handler.ts";
import { UploadStore, type UploadNetwork } from "./store.ts";

export * from "./errors.ts";
export * from "./handler.ts";
export { ContentUnavailableError, loopbackAddr, type PeerState } from "./peering.ts";
export { validateWorkMetadata, type UploadMetadata } from "./metadata.ts";
export { UploadStore, type StoredFile, type UploadNetwork } from "./store.ts";

export interface Uploads {
  handle(request: Request): Promise<Response>;
  store: UploadStore;
  close(): Promise<void>;
}

export async function openUploads(options: {
  dir: string;
  /** Where the blocks go, when not `dir/blocks` (see UploadStore.open). */
  blocksDir?: string;
  /** Join the stack's IPFS peers over loopback libp2p (absent: offline). */
  network?: UploadNetwork;
  limits?: Partial<UploadLimits>;
}): Promise<Uploads> {
  const store = await UploadStore.open(options.dir, {
    blocksDir: options.blocksDir,
    network: options.network,
  });
  const handler = new UploadHandler(store, options.limits);
  return { handle: handler.handle, store, close: () => store.close() };
}
