import { publicConfig } from "#lib/server/index.ts";
import type { LayoutServerLoad } from "./$types";

export const load: LayoutServerLoad = () => ({ config: publicConfig() });
