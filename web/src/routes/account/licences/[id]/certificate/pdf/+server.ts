/** `GET /account/licences/<id>/certificate/pdf`: the certificate as a PDF download (image embedded when PNG/JPEG). */
import { certificatePdf } from "@atelier/explain";
import type { RequestHandler } from "./$types";
import { loadCertificate } from "../certificate.server.ts";

const MAX_IMAGE = 8 * 1024 * 1024;

async function imageBytes(url: string | null): Promise<Uint8Array | undefined> {
  if (!url) return undefined;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) return undefined;
    const bytes = new Uint8Array(await res.arrayBuffer());
    const png = bytes[0] === 0x89 && bytes[1] === 0x50;
    const jpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
    // WebP cannot be embedded by pdf-lib: the certificate then links to the image instead.
    return bytes.length <= MAX_IMAGE && (png || jpeg) ? bytes : undefined;
  } catch {
    return undefined;
  }
}

export const GET: RequestHandler = async ({ params, url }) => {
  const { data, licenseId, imageUrl } = await loadCertificate(params.id, url.origin);
  const image = await imageBytes(imageUrl);
  const pdf = await certificatePdf(data, image ? { image } : {});
  return new Response(Buffer.from(pdf), {
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="atelier-licence-${licenseId}.pdf"`,
      "cache-control": "no-store",
    },
  });
};
