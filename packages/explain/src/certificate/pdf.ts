/**
 * The licence certificate as a one-page A4 PDF (pdf-lib, standard Helvetica: no font files to ship): image,
 * terms in plain language, every certificate row, and the verification QR code drawn as vector squares.
 */
import { PDFDocument, rgb, StandardFonts, type PDFFont, type PDFPage } from "pdf-lib";
import type { CertificateData } from "./data.ts";

export interface CertificatePdfOptions {
  /** PNG or JPEG bytes of the work's image (WebP cannot be embedded: convert it first, or omit). */
  image?: Uint8Array;
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 48;
const INK = rgb(0.1, 0.1, 0.12);
const MUTED = rgb(0.4, 0.4, 0.45);

/** Text the standard font can draw: characters outside its set become "?". */
function drawable(font: PDFFont, text: string): string {
  const set = new Set(font.getCharacterSet());
  let out = "";
  for (const ch of text) out += set.has(ch.codePointAt(0) ?? 0) ? ch : "?";
  return out;
}

/** Greedy word wrap; words longer than the line (hashes, URLs) are broken by character. */
function wrap(font: PDFFont, text: string, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= width;
  for (const word of text.split(" ")) {
    const candidate = line ? `${line} ${word}` : word;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    let rest = word;
    while (!fits(rest)) {
      let cut = rest.length - 1;
      while (cut > 1 && !fits(rest.slice(0, cut))) cut--;
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    line = rest;
  }
  if (line) lines.push(line);
  return lines;
}

class Cursor {
  y: number;
  constructor(
    readonly page: PDFPage,
    readonly font: PDFFont,
    readonly bold: PDFFont,
    top: number,
  ) {
    this.y = top;
  }

  text(
    text: string,
    opts: { size?: number; font?: PDFFont; x?: number; width?: number; color?: typeof INK } = {},
  ) {
    const size = opts.size ?? 10;
    const font = opts.font ?? this.font;
    const x = opts.x ?? MARGIN;
    const width = opts.width ?? A4[0] - MARGIN - x;
    for (const line of wrap(font, drawable(font, text), size, width)) {
      if (this.y < MARGIN + size) return; // one page: the rest is on the verification page
      this.page.drawText(line, { x, y: this.y - size, size, font, color: opts.color ?? INK });
      this.y -= size * 1.35;
    }
  }

  gap(points: number) {
    this.y -= points;
  }
}

export async function certificatePdf(
  data: CertificateData,
  options: CertificatePdfOptions = {},
): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const issued = new Date(data.issuedAt * 1000);
  doc.setTitle(`${data.title} — ${data.rows.find((r) => r.key === "licence")?.value ?? ""}`);
  doc.setSubject(data.subtitle);
  doc.setKeywords(["Atelier", "licence", data.deed.title]);
  doc.setCreator("Atelier");
  doc.setProducer("Atelier (pdf-lib)");
  doc.setCreationDate(issued);
  doc.setModificationDate(issued);

  const page = doc.addPage(A4);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const c = new Cursor(page, font, bold, A4[1] - MARGIN);

  c.text(data.title, { size: 22, font: bold });
  c.text(data.subtitle, { size: 12, color: MUTED });
  c.gap(10);

  // Image (left) and QR code (right), side by side.
  const boxTop = c.y;
  const box = 170;
  if (options.image) {
    const png = options.image[0] === 0x89 && options.image[1] === 0x50;
    const jpeg = options.image[0] === 0xff && options.image[1] === 0xd8;
    if (!png && !jpeg)
      throw new TypeError("certificate image must be PNG or JPEG bytes (convert WebP first)");
    const img = png ? await doc.embedPng(options.image) : await doc.embedJpg(options.image);
    const scale = Math.min(box / img.width, box / img.height);
    page.drawImage(img, {
      x: MARGIN,
      y: boxTop - img.height * scale,
      width: img.width * scale,
      height: img.height * scale,
    });
  }
  const quiet = 2;
  const module = box / (data.qr.size + quiet * 2);
  const qrX = A4[0] - MARGIN - box;
  page.drawRectangle({ x: qrX, y: boxTop - box, width: box, height: box, color: rgb(1, 1, 1) });
  data.qr.dark.forEach((on, i) => {
    if (!on) return;
    const col = i % data.qr.size;
    const row = Math.floor(i / data.qr.size);
    page.drawRectangle({
      x: qrX + (col + quiet) * module,
      y: boxTop - (row + quiet + 1) * module,
      width: module,
      height: module,
      color: rgb(0, 0, 0),
    });
  });
  c.y = boxTop - box - 6;
  c.text("Scan to verify this licence on chain", { size: 8, x: qrX, color: MUTED });
  c.gap(8);

  const deed = data.deed;
  c.text(deed.summary, { size: 11, font: bold });
  c.gap(4);
  const list = (heading: string, items: string[]) => {
    if (items.length === 0) return;
    c.text(heading, { size: 10, font: bold });
    for (const item of items) c.text(`•  ${item}`, { size: 9.5, x: MARGIN + 10 });
    c.gap(3);
  };
  list("You can", deed.can);
  list("You can't", deed.cannot);
  list("You must", deed.must);
  c.text(`${deed.exclusivity}.`, { size: 9.5 });
  if (deed.derivativeShare) c.text(`${deed.derivativeShare}.`, { size: 9.5 });
  c.gap(8);

  const labelWidth = 118;
  for (const row of data.rows) {
    const top = c.y;
    c.text(row.label, { size: 9, font: bold, color: MUTED });
    const afterLabel = c.y;
    c.y = top;
    c.text(row.value, { size: 9, x: MARGIN + labelWidth });
    c.y = Math.min(c.y, afterLabel);
  }
  c.gap(6);
  c.text(
    "The on-chain record of this licence is authoritative; this certificate is a convenience copy. Anyone can check it at the verification link.",
    { size: 8, color: MUTED },
  );
  return doc.save();
}
