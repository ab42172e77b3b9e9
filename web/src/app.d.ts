// See https://svelte.dev/docs/kit/types#app.d.ts
import type { IndexHead } from "@atelier/query/read-cache";

declare global {
  namespace App {
    interface Error {
      message: string;
      hint?: string;
    }
    interface Locals {
      /** The index head this request's page is built at (set by the page cache on the pages it keeps). */
      indexHead?: IndexHead;
      /** Set by a load that built a degraded page (an index error): the page cache must not keep it. */
      noStore?: boolean;
    }
  }
}

export {};
