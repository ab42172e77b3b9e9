import { getContext, setContext } from "svelte";
import type { PublicConfig } from "../config.ts";

const KEY = Symbol("atelier-config");

/** The root layout shares the server's public configuration with every component below it. */
export function setPublicConfig(get: () => PublicConfig): void {
  setContext(KEY, get);
}

export function publicConfig(): PublicConfig {
  const get = getContext<(() => PublicConfig) | undefined>(KEY);
  if (!get) throw new Error("publicConfig() used outside the root layout");
  return get();
}
