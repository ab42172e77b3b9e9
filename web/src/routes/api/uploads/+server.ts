/** `POST /api/uploads`: an image (raw body or multipart "file") or work metadata JSON; see @atelier/uploads. */
import type { RequestHandler } from "./$types";
import { uploads } from "./uploads.server.ts";

export const POST: RequestHandler = async ({ request }) => (await uploads()).handle(request);

const refuse: RequestHandler = async ({ request }) => (await uploads()).handle(request);
export const GET = refuse;
export const PUT = refuse;
