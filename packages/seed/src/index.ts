/**
 * `@atelier/seed`: the demo market of a local Atelier chain, idempotent (a second run adds nothing).
 *
 *   const chain = seedChain(rpcUrl, deployment);
 *   const uploads = await seedUploads({ chain, content: handlerSink(store.handle), picture: pictureFrom(cache), log });
 *   const generated = await seedGenerated({ chain, token: uploads.token, models: { art, variation }, log });
 *
 * or both at once with `seedDemoMarket`. `npm run seed` runs it against a running stack.
 */
import type { Deployment } from "@atelier/protocol";
import { seedChain } from "./chain.ts";
import type { ContentSink } from "./content.ts";
import { seedGenerated } from "./generated.ts";
import { seedUploads, type SeededWork } from "./market.ts";
import { pictureFrom } from "./pictures.ts";

export { seedChain, contract, type SeedChain } from "./chain.ts";
export { handlerSink, httpSink, type ContentSink } from "./content.ts";
export { seedUploads, ensureLicence, type SeededWork, type Tally, type UploadsSeeded } from "./market.ts";
export { seedGenerated } from "./generated.ts";
export { preparePictures, preparePicturesInWorker, pictureFrom } from "./pictures.ts";
export { prepareUpload, uploadMetadata, saltOf, type PreparedUpload } from "./prepare.ts";
export { ensureToken, tokenArtifact, tusd, TOKEN_DECIMALS } from "./token.ts";
export { ACCOUNTS, CREATORS, BUYERS, UPLOADS, SALES, FLAGGED, JOBS, GENERATED_SALE, TERMS } from "./plan.ts";
export {
  SCENES,
  DERIVATIVE_SCENE,
  SCENE_WIDTH,
  SCENE_HEIGHT,
  type CatalogueScene,
} from "./scenes/catalogue.ts";
export { renderScene, type Scene } from "./scenes/render.ts";

export interface SeedSummary {
  works: SeededWork[];
  /** What this run added (0 everywhere on a second run). */
  added: { works: number; licences: number; other: number };
}

export async function seedDemoMarket(options: {
  rpcUrl: string;
  deployment: Deployment;
  content: ContentSink;
  cacheDir?: string;
  /** Registered model ids the running node serves; without them no generation job is requested. */
  models?: { art: number; variation?: number };
  remixOf?: { workId: bigint; owner: number; title: string };
  log?(line: string): void;
}): Promise<SeedSummary> {
  const log = options.log ?? (() => undefined);
  const chain = seedChain(options.rpcUrl, options.deployment);
  const uploads = await seedUploads({
    chain,
    content: options.content,
    picture: pictureFrom(options.cacheDir),
    log,
  });
  const works = [...uploads.works.values()];
  const added = { ...uploads.tally };
  if (options.models) {
    const generated = await seedGenerated({
      chain,
      token: uploads.token,
      models: options.models,
      remixOf: options.remixOf,
      log,
    });
    works.push(...generated.works);
    added.works += generated.tally.works;
    added.licences += generated.tally.licences;
    added.other += generated.tally.other;
  }
  return { works, added };
}
