import type { PageServerLoad } from "./$types";
import { loadCertificate } from "./certificate.server.ts";

export const load: PageServerLoad = async ({ params, url }) => {
  const { data, licenseId, imageUrl, valid } = await loadCertificate(params.id, url.origin);
  return { certificate: data, licenseId, imageUrl, valid };
};
