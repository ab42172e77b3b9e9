/**
 * What a licence certificate says — the same data for the printable HTML page and the PDF: the work, its
 * image, the terms in plain language, the licensee, the transaction and block, and a verification link with
 * its QR code. Text from the chain or from metadata is data: it is cleaned of control and bidi characters and
 * bounded in length here, and the page must still render it as text.
 */
import QRCode from "qrcode";
import { describeTerms, type Deed } from "../deed.ts";
import { formatAmount, formatDate, type Currency } from "../format.ts";
import type { Terms } from "../terms.ts";

export interface CertificateInput {
  licenseId: bigint;
  work: {
    id: bigint;
    name: string;
    creator: string;
    /** An HTTP URL of the image for the page (the PDF embeds bytes instead). */
    imageUrl?: string;
    contentHash?: string;
  };
  terms: Terms;
  termsId?: number;
  licensee: string;
  /** Unix seconds; expiry 0 = perpetual. */
  start: number | bigint;
  expiry: number | bigint;
  price: bigint;
  currency: Pick<Currency, "symbol" | "decimals">;
  chain: { id: number; name: string };
  licensesContract: string;
  transactionHash: string;
  blockNumber: bigint;
  /** The link anyone can open to check the licence against the chain. */
  verifyUrl: string;
  /** HTTP IPFS gateway for the legal text link. */
  gateway?: string;
  /** When the certificate was produced (unix seconds); defaults to now. Fixes the countdown and PDF dates. */
  issuedAt?: number | bigint;
}

export interface CertificateRow {
  key: string;
  label: string;
  value: string;
  /** A link the value points to (verification, legal text). */
  href?: string;
}

export interface QrMatrix {
  size: number;
  /** Row-major, `true` = dark module. */
  dark: boolean[];
}

export interface CertificateData {
  title: string;
  subtitle: string;
  workName: string;
  imageUrl?: string;
  deed: Deed;
  rows: CertificateRow[];
  verifyUrl: string;
  qr: QrMatrix;
  /** A standalone SVG of the QR code (black on white, 4-module quiet zone). */
  qrSvg: string;
  issuedAt: number;
}

const MAX_TEXT = 300;
// C0/C1 controls, bidi embeddings/overrides/isolates, zero-width and BOM characters.
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** Text from the chain or metadata made safe to print: no controls or bidi overrides, at most `max` characters. */
export function safeText(text: string, max = MAX_TEXT): string {
  const clean = [...text.replace(UNSAFE, "").replace(/\s+/g, " ").trim()];
  return clean.length > max ? `${clean.slice(0, max - 1).join("")}…` : clean.join("");
}

/** The QR code of `text` as a module matrix (error correction M). */
export function qrMatrix(text: string): QrMatrix {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const dark: boolean[] = [];
  for (let r = 0; r < modules.size; r++)
    for (let c = 0; c < modules.size; c++) dark.push(modules.get(r, c) === 1);
  return { size: modules.size, dark };
}

/** SVG of a QR matrix: one path, crisp at any size. */
export function qrSvg(qr: QrMatrix, quiet = 4): string {
  const total = qr.size + quiet * 2;
  let d = "";
  qr.dark.forEach((on, i) => {
    if (on) d += `M${(i % qr.size) + quiet} ${Math.floor(i / qr.size) + quiet}h1v1h-1z`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${total} ${total}" shape-rendering="crispEdges" role="img" aria-label="QR code of the verification link"><rect width="${total}" height="${total}" fill="#fff"/><path d="${d}" fill="#000"/></svg>`;
}

export function certificateData(input: CertificateInput): CertificateData {
  const issuedAt = Number(input.issuedAt ?? Math.floor(Date.now() / 1000));
  const deed = describeTerms(input.terms, {
    licence: { start: input.start, expiry: input.expiry, now: issuedAt },
    ...(input.gateway ? { gateway: input.gateway } : {}),
  });
  const workName = safeText(input.work.name) || `Work #${input.work.id}`;
  const rows: CertificateRow[] = [
    { key: "licence", label: "Licence", value: `#${input.licenseId}` },
    { key: "work", label: "Work", value: `${workName} (work #${input.work.id})` },
    { key: "creator", label: "Creator", value: input.work.creator },
    { key: "licensee", label: "Licensee", value: input.licensee },
    {
      key: "terms",
      label: "Terms",
      value: `${deed.title}${input.termsId !== undefined ? ` (terms #${input.termsId})` : ""}: ${deed.summary}`,
    },
    { key: "validity", label: "Validity", value: deed.expiry.text },
    { key: "start", label: "Start", value: formatDate(input.start, { time: true }) },
    {
      key: "expiry",
      label: "Expiry",
      value: BigInt(input.expiry) === 0n ? "Perpetual" : formatDate(input.expiry, { time: true }),
    },
    { key: "price", label: "Price paid", value: formatAmount(input.price, input.currency) },
    {
      key: "chain",
      label: "Network",
      value: `${safeText(input.chain.name, 60)} (chain id ${input.chain.id})`,
    },
    { key: "contract", label: "Licences contract", value: input.licensesContract },
    { key: "transaction", label: "Transaction", value: input.transactionHash },
    { key: "block", label: "Block", value: input.blockNumber.toString() },
  ];
  if (input.work.contentHash)
    rows.push({ key: "contentHash", label: "Content hash (sha2-256)", value: input.work.contentHash });
  if (input.terms.legalTextUri) {
    rows.push({
      key: "legalText",
      label: "Legal text",
      value: input.terms.legalTextUri,
      ...(deed.legalText.href ? { href: deed.legalText.href } : {}),
    });
  }
  rows.push({ key: "verify", label: "Verify", value: input.verifyUrl, href: input.verifyUrl });
  const qr = qrMatrix(input.verifyUrl);
  return {
    title: "Licence certificate",
    subtitle: `${deed.title} for “${workName}”`,
    workName,
    ...(input.work.imageUrl ? { imageUrl: input.work.imageUrl } : {}),
    deed,
    rows,
    verifyUrl: input.verifyUrl,
    qr,
    qrSvg: qrSvg(qr),
    issuedAt,
  };
}
