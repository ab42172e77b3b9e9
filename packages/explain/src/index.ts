export * from "./words.ts";
export * from "./certificate/data.ts";
export * from "./certificate/pdf.ts";
