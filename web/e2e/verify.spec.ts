import { readFile } from "node:fs/promises";
import { foundCopy } from "../test-support/images.ts";
import { test, expect } from "../test-support/fixtures.ts";

test("verify a re-encoded, resized copy: the watermark is read in the browser and the licence checked", async ({
  page,
  stack,
  shot,
}) => {
  const dunes = stack.works.find((w) => w.title === "Violet dunes")!;
  const copy = await foundCopy(await readFile(dunes.imageFile!), 400, 70);
  const requests: string[] = [];
  page.on("request", (r) => {
    if (r.method() !== "GET") requests.push(`${r.method()} ${r.url()}`);
  });
  await page.goto("/verify");
  // The file input only listens once the page is hydrated and its readers are warm: a file set earlier is lost.
  await page.locator("[data-testid='verify-file'][data-reader-ready]").waitFor();
  // brand2 bought the remix licence of this work in the seed.
  await page.getByLabel("Account").first().fill("0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc");
  await page.getByRole("checkbox", { name: "Derivatives" }).check();
  await page
    .getByTestId("verify-file")
    .setInputFiles({ name: "found.jpg", mimeType: "image/jpeg", buffer: copy });
  const found = page.locator(`[data-found-work='${dunes.id}']`);
  await expect(found).toContainText("Its invisible watermark names work #2.");
  await expect(found.locator("[data-licensed='true']")).toContainText(
    "holds a valid licence with every right you chose",
  );
  // Nothing but GETs left the page: the image itself was never uploaded.
  expect(requests.filter((r) => !r.includes("/__data.json"))).toEqual([]);
  await shot("verify-found");

  await page.getByRole("checkbox", { name: "AI training" }).check();
  await page
    .getByTestId("verify-file")
    .setInputFiles({ name: "found.jpg", mimeType: "image/jpeg", buffer: copy });
  await expect(found.locator("[data-licensed='false']")).toContainText(
    "does not grant every right you chose",
  );
});

test("verify an unmarked image: nothing found, and what that does and does not prove", async ({
  page,
  stack,
  shot,
}) => {
  await page.goto("/verify");
  // The file input only listens once the page is hydrated and its readers are warm: a file set earlier is lost.
  await page.locator("[data-testid='verify-file'][data-reader-ready]").waitFor();
  await page.getByTestId("verify-file").setInputFiles(stack.unmarkedFile);
  const nothing = page.locator("[data-nothing-found]");
  await expect(nothing).toContainText("No Atelier work found for this image.");
  await expect(nothing).toContainText("No Atelier watermark was read from it");
  await expect(nothing).toContainText("What it does not prove");
  await shot("verify-nothing");
});

test("verify the exact file: found by content hash even without reading the mark", async ({
  page,
  stack,
}) => {
  const harbour = stack.works[0]!;
  const { createHash } = await import("node:crypto");
  const sha = `0x${createHash("sha256")
    .update(await readFile(harbour.imageFile!))
    .digest("hex")}`;
  await page.goto(`/verify?watermark=none&content=${sha}`);
  await expect(page.locator("[data-found-work='1']")).toContainText("byte for byte the file of work #1");
});
