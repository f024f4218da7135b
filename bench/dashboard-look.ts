/**
 * Screenshots of every dashboard page after a source click, its intervals drawn and its budget plan
 * in, at 1280 and 390 px, into OUT: to compare what the page shows before and after a change to the
 * front end (pixel diff with bench/dashboard-look-diff.py or by eye).
 * Run: node --import tsx bench/dashboard-look.ts OUT [users]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { launchChromium } from "../test/helpers/browser.ts";
import { servedSample } from "../test/helpers/sample.ts";

const OUT = process.argv[2] ?? "/tmp/dashboard-look-ab";
const USERS = Number(process.argv[3] ?? 20_000);
mkdirSync(OUT, { recursive: true });
const { dataset, server } = await servedSample(USERS, 7);
const browser = await launchChromium();
const [first, second] = dataset.catalog.sources;
const pages = ["overview", "product", "sales", "marketing", "quality"];
for (const width of [1280, 390]) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  let inFlight = 0;
  const api = (r: { url(): string }) => new URL(r.url()).pathname.startsWith("/api/");
  page.on("request", (r) => {
    if (api(r)) inFlight += 1;
  });
  const landed = (r: { url(): string }) => {
    if (api(r)) inFlight -= 1;
  };
  page.on("requestfinished", landed);
  page.on("requestfailed", landed);
  const settled = async () => {
    await page.waitForFunction(
      () =>
        !document.querySelector("#page[aria-busy]") &&
        !document.querySelector("#page[data-trust-pending]") &&
        document.querySelector("#page section, #page .source-pick, #page .note"),
    );
    for (let quiet = 0; quiet < 5; ) {
      await new Promise((r) => setTimeout(r, 100));
      quiet = inFlight === 0 ? quiet + 1 : 0;
    }
  };
  const shoot = async (name: string) => {
    await page.mouse.move(0, 0);
    await page.screenshot({ path: `${OUT}/${name}-${width}.png`, fullPage: true });
    // The figures' markup too: what pixels do not show (roles, labels, ids).
    const figures = await page.evaluate(() =>
      [...document.querySelectorAll("#page figure")].map((f) => f.outerHTML).join("\n"),
    );
    writeFileSync(`${OUT}/${name}-${width}.figures.html`, figures);
  };
  for (const p of pages) {
    await page.goto(`${server.url}?page=${p}`);
    await settled();
    await shoot(p);
    // A filter change: the point numbers, then the intervals redrawn over them.
    if (width < 600) await page.locator("[data-filters-toggle]").click();
    await page.locator(`button[data-source="${first}"]`).click();
    await settled();
    await shoot(`${p}-source-${first}`);
  }
  await page.goto(`${server.url}?page=source&sources=${second}`);
  await settled();
  await shoot(`source-${second}`);
  await page.close();
}
await browser.close();
await server.close();
