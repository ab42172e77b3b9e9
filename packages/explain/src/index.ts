export * from "./terms.ts";
export * from "./deed.ts";
export * from "./format.ts";
export * from "./errors.ts";
export * from "./error-messages.ts";
export * from "./certificate/data.ts";
export * from "./certificate/pdf.ts";
