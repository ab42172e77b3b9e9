import sharp from "sharp";
import jsQRModule from "jsqr";
import { extractImages, extractText, getDocumentProxy, getMeta } from "unpdf";
import { describe, expect, it } from "vitest";
import {
  certificateData,
  certificatePdf,
  PRESETS,
  qrMatrix,
  safeText,
  type CertificateInput,
  type QrMatrix,
} from "../src/index.ts";

// jsqr is CommonJS with an ES-style default in its types: at run time the import is the function itself.
const jsQR = jsQRModule as unknown as (
  data: Uint8ClampedArray,
  width: number,
  height: number,
) => { data: string } | null;

const YEAR = 365 * 86_400;
const START = 1_764_590_400; // 1 Dec 2025 12:00 UTC

function input(overrides: Partial<CertificateInput> = {}): CertificateInput {
  return {
    licenseId: (7n << 64n) | (1n << 32n) | 1n,
    work: {
      id: 7n,
      name: "Harbour at dusk",
      creator: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      imageUrl: "http://127.0.0.1:8080/ipfs/bafkreiimage",
      contentHash: `0x${"12".repeat(32)}`,
    },
    terms: { ...PRESETS[2]!.terms, legalTextUri: "ipfs://bafkreicommercialremix" },
    termsId: 3,
    licensee: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
    start: START,
    expiry: START + YEAR,
    price: 10n ** 16n,
    currency: { symbol: "ETH", decimals: 18 },
    chain: { id: 31337, name: "Hardhat local" },
    licensesContract: "0xa16E02E87b7454126E5E10d957A927A7F5B5d2be",
    transactionHash: `0x${"ab".repeat(32)}`,
    blockNumber: 42n,
    verifyUrl: "http://127.0.0.1:5173/account/licences/129127208515966861313/certificate",
    gateway: "http://127.0.0.1:8080",
    issuedAt: START + 86_400,
    ...overrides,
  };
}

/** Renders a QR matrix to RGBA pixels (8 px per module, white quiet zone) and reads it with jsQR. */
function readQr(qr: QrMatrix): string | undefined {
  const scale = 8;
  const side = (qr.size + 8) * scale;
  const px = new Uint8ClampedArray(side * side * 4).fill(255);
  qr.dark.forEach((on, i) => {
    if (!on) return;
    const x0 = ((i % qr.size) + 4) * scale;
    const y0 = (Math.floor(i / qr.size) + 4) * scale;
    for (let y = y0; y < y0 + scale; y++)
      for (let x = x0; x < x0 + scale; x++) px.fill(0, (y * side + x) * 4, (y * side + x) * 4 + 3);
  });
  return jsQR(px, side, side)?.data;
}

describe("certificate data", () => {
  it("has every field, the deed and a QR code that reads back as the verification link", () => {
    const data = certificateData(input());
    const row = (key: string) => data.rows.find((r) => r.key === key)?.value;
    expect(data.subtitle).toBe("Commercial + Remix licence for “Harbour at dusk”");
    expect(row("licence")).toBe("#129127208520261828609");
    expect(row("work")).toBe("Harbour at dusk (work #7)");
    expect(row("licensee")).toBe("0x90F79bf6EB2c4f870365E785982E1f101E93b906");
    expect(row("transaction")).toBe(`0x${"ab".repeat(32)}`);
    expect(row("block")).toBe("42");
    expect(row("price")).toBe("0.01 ETH");
    expect(row("expiry")).toBe("1 Dec 2026, 12:00 UTC");
    expect(row("terms")).toBe(
      "Commercial + Remix licence (terms #3): Commercial use, derivatives (10% revenue share), 1 year, credit required.",
    );
    expect(data.rows.find((r) => r.key === "legalText")?.href).toBe(
      "http://127.0.0.1:8080/ipfs/bafkreicommercialremix",
    );
    expect(data.deed.expiry.text).toMatch(/^Expires in 12 months/);
    expect(readQr(data.qr)).toBe(data.verifyUrl);
    expect(data.qrSvg).toMatch(/^<svg [^>]*viewBox="0 0 \d+ \d+"/);
    expect(data.qrSvg).not.toContain("script");
  });

  it("cleans hostile text and bounds its length", () => {
    expect(safeText("\u202Egnp.exe\u202C <script>alert(1)</script>\u0000")).toBe(
      "gnp.exe <script>alert(1)</script>",
    );
    const long = certificateData(input({ work: { ...input().work, name: "A".repeat(100_000) } }));
    expect([...long.workName].length).toBe(300);
    expect(long.workName.endsWith("…")).toBe(true);
    expect(certificateData(input({ work: { ...input().work, name: "\u200b\u202e" } })).workName).toBe(
      "Work #7",
    );
  });

  it("a perpetual licence", () => {
    const data = certificateData(input({ terms: { ...PRESETS[0]!.terms, legalTextUri: "" }, expiry: 0 }));
    expect(data.rows.find((r) => r.key === "expiry")?.value).toBe("Perpetual");
    expect(data.deed.expiry.perpetual).toBe(true);
    expect(data.rows.some((r) => r.key === "legalText")).toBe(false);
  });

  it("QR codes of long links still read back", () => {
    const url = `https://atelier.example/account/licences/${"9".repeat(60)}/certificate?chain=31337`;
    expect(readQr(qrMatrix(url))).toBe(url);
  });
});

describe("certificate PDF", () => {
  it("reads back with the fields, the terms in plain language, the image and metadata", async () => {
    const image = await sharp({
      create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 80, b: 40 } },
    })
      .png()
      .toBuffer();
    const data = certificateData(input());
    const bytes = await certificatePdf(data, { image });
    expect(Buffer.from(bytes.slice(0, 5)).toString()).toBe("%PDF-");
    const pdf = await getDocumentProxy(new Uint8Array(bytes));
    const { totalPages, text } = await extractText(pdf, { mergePages: true });
    expect(totalPages).toBe(1);
    for (const expected of [
      "Licence certificate",
      "Harbour at dusk (work #7)",
      "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
      "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      `0x${"ab".repeat(32)}`,
      "0.01 ETH",
      "1 Dec 2026, 12:00 UTC",
      "Hardhat local (chain id 31337)",
      "Use the work commercially",
      "Use it to train, fine-tune or evaluate AI models",
      "10% of its licence revenue",
      "ipfs://bafkreicommercialremix",
      "Scan to verify this licence on chain",
    ]) {
      expect(text.replace(/\s+/g, " "), expected).toContain(expected);
    }
    // The block row and the verification link (long words wrap by character, so compare without spaces).
    expect(text.replace(/\s+/g, "")).toContain("Block42");
    expect(text.replace(/\s+/g, "")).toContain(data.verifyUrl);
    const meta = await getMeta(pdf);
    expect(meta.info.Title).toBe("Licence certificate — #129127208520261828609");
    expect(meta.info.Creator).toBe("Atelier");
    const images = await extractImages(pdf, 1);
    expect(images.map((i) => [i.width, i.height])).toContainEqual([64, 48]);
  });

  it("hostile titles print as plain characters; WebP is refused with a clear message", async () => {
    const data = certificateData(
      input({ work: { ...input().work, name: "\u202Eevil\u202C 漢字 <b>x</b>" } }),
    );
    const bytes = await certificatePdf(data);
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: true });
    expect(text).toContain("evil ?? <b>x</b> (work #7)");
    const webp = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#fff" } })
      .webp()
      .toBuffer();
    await expect(certificatePdf(data, { image: webp })).rejects.toThrow(/PNG or JPEG/);
  });
});
