/** What the upload form needs from the server: the currencies its offers may be priced in. */
import { zeroAddress } from "viem";
import { allowedCurrencies } from "#lib/server/currencies.ts";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async () => ({
  currencies: await allowedCurrencies().catch(() => [{ address: zeroAddress, symbol: "ETH", decimals: 18 }]),
});
