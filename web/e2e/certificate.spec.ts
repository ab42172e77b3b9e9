import { devAccount } from "@atelier/devchain";
import { licenseIdOf } from "@atelier/protocol";
import { extractText, getDocumentProxy } from "unpdf";
import { test, expect } from "../test-support/fixtures.ts";
import { ROLES } from "../test-support/seed.ts";

// The seed: brand2 bought the remix licence (offer 1) of "Violet dunes" — its first sale, serial 1.
function dunesLicence(works: { id: string; title: string }[]): bigint {
  const dunes = works.find((w) => w.title === "Violet dunes");
  if (!dunes) throw new Error("the seed has no 'Violet dunes' work");
  return licenseIdOf(BigInt(dunes.id), 1n, 1n);
}

test("licence certificate: printable page without JavaScript, and a PDF that reads back", async ({
  browser,
  stack,
  shot,
  request,
}) => {
  const id = dunesLicence(stack.works);
  const licensee = devAccount(ROLES.brand2).address;
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL: stack.appUrl });
  const page = await context.newPage();
  const response = await page.goto(`/account/licences/${id}/certificate`);
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1, name: "Licence certificate" })).toBeVisible();
  await expect(page.getByText("Commercial + Remix licence for “Violet dunes”")).toBeVisible();
  const field = (key: string) => page.locator(`[data-field="${key}"] dd`);
  await expect(field("licence")).toHaveText(`#${id}`);
  await expect(field("licensee")).toHaveText(licensee);
  await expect(field("work")).toHaveText(/^Violet dunes \(work #\d+\)$/);
  await expect(field("price")).toHaveText("0.1 ETH");
  await expect(field("transaction")).toHaveText(/^0x[0-9a-f]{64}$/);
  await expect(field("block")).toHaveText(/^\d+$/);
  await expect(field("legalText")).toHaveText(/^ipfs:\/\/bafkrei/);
  await expect(page.getByRole("list").filter({ hasText: "Make new works from it" })).toBeVisible();
  await expect(page.getByRole("img", { name: "QR code of the verification link" })).toBeVisible();
  const verify = await field("verify").textContent();
  expect(verify).toBe(`${stack.appUrl}/account/licences/${id}/certificate`);
  const tx = (await field("transaction").textContent())!;
  await shot("certificate", page);

  const pdf = await request.get(`${stack.appUrl}/account/licences/${id}/certificate/pdf`);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  expect(pdf.headers()["content-disposition"]).toBe(`attachment; filename="atelier-licence-${id}.pdf"`);
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(await pdf.body())), {
    mergePages: true,
  });
  const flat = text.replace(/\s+/g, " ");
  for (const expected of [
    `#${id}`,
    licensee,
    tx,
    "Violet dunes",
    "0.1 ETH",
    "Make new works from it",
    "10% of its licence revenue",
  ]) {
    expect(flat, expected).toContain(expected);
  }
  expect(text.replace(/\s+/g, "")).toContain(verify);
  await context.close();
});

test("a licence that does not exist is a clear 404; a malformed id a 400", async ({ request, stack }) => {
  // Requests, not page loads: a browser logs every 4xx document as a console error.
  const missing = await request.get(`${stack.appUrl}/account/licences/12345/certificate`);
  expect(missing.status()).toBe(404);
  expect(await missing.text()).toContain("There is no licence #12345");
  const bad = await request.get(`${stack.appUrl}/account/licences/not-a-number/certificate`);
  expect(bad.status()).toBe(400);
  expect(await bad.text()).toContain("is not a licence id");
  const pdf = await request.get(`${stack.appUrl}/account/licences/12345/certificate/pdf`);
  expect(pdf.status()).toBe(404);
});
