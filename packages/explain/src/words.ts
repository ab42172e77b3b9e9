/** Everything but the certificate (no pdf-lib, no qrcode): what browser pages import. */
export * from "./terms.ts";
export * from "./deed.ts";
export * from "./format.ts";
export * from "./errors.ts";
export * from "./error-messages.ts";
