import { createRequire } from "node:module";
import { licenseIdOf } from "@atelier/protocol";
import { test, expect } from "../test-support/fixtures.ts";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const PAGES = [
  ["explore", "/"],
  ["work", "/works/1"],
  ["work-hostile", "/works/3"],
  ["verify", "/verify"],
  ["account-brand2", "/account?address=0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc"],
  ["operators", "/operators"],
  ["create", "/create"],
  ["generate", "/create/generate"],
  // brand2's remix licence of Violet dunes (work 2, offer 1, its first sale).
  ["certificate", `/account/licences/${licenseIdOf(2n, 1n, 1n)}/certificate`],
] as const;

for (const [name, path] of PAGES) {
  test(`${name}: axe-clean in light and dark, fits 360 px`, async ({ page, shot }) => {
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(path);
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: {
              run: (o?: unknown) => Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }>;
            };
          }
        ).axe;
        const result = await axe.run();
        return result.violations.map(
          (v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`,
        );
      });
      expect(violations, `axe on ${path} (${scheme})`).toEqual([]);
      await shot(`${name}-${scheme}`);
    }
    await page.setViewportSize({ width: 360, height: 780 });
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `horizontal overflow at 360 px on ${path}`).toBeLessThanOrEqual(0);
    await shot(`${name}-360`);
  });
}

test("keyboard: skip link, then every control is reachable by Tab", async ({ page }) => {
  await page.goto("/");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/#content$/);
  const focusable = new Set<string>();
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press("Tab");
    focusable.add(
      await page.evaluate(
        () =>
          document.activeElement?.getAttribute("name") ?? document.activeElement?.textContent?.trim() ?? "",
      ),
    );
  }
  expect([...focusable]).toEqual(expect.arrayContaining(["q", "rights", "source", "Apply"]));
});
