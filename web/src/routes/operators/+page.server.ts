import { operators } from "#lib/server/operators.ts";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async () => operators();
