/**
 * The trust numbers on the dashboard (issue 10), in headless Chromium: the page asks the API for
 * `intervals=1` explicitly; the KPI cards and the by-source table show intervals, the overview shows
 * the trust verdicts (one per source, with the mature cohorts), the LTV table marks forecast cells;
 * a response without trust numbers (an older server, or h10a's default) draws without intervals and
 * without an error. Screenshots at 1280 and 390 px go to /tmp/dashboard-look/.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchChromium, skipWithoutChromium } from "./helpers/browser.ts";
import { type PageWatch, watchPage } from "./helpers/page-watch.ts";
import { servedSample } from "./helpers/sample.ts";

const LOOK_DIR = "/tmp/dashboard-look";
const skip = skipWithoutChromium("the dashboard trust test");

describe("dashboard: intervals and trust verdicts", { skip }, async () => {
  const { server } = await servedSample(3000, 11);
  const browser: Browser = await launchChromium();
  after(async () => {
    await browser.close();
    await server.close();
  });
  mkdirSync(LOOK_DIR, { recursive: true });
  // Every page opened here reports into one watch.
  const watch: PageWatch = { problems: [], requests: [] };
  const { problems } = watch;
  const open = async (width: number): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    watchPage(page, { into: watch });
    return page;
  };
  const settled = (page: Page) =>
    page.waitForFunction(
      () =>
        !document.querySelector("#page[aria-busy]") &&
        !document.querySelector("#page[data-trust-pending]") &&
        document.querySelector("#page section"),
    );

  test("the page asks for intervals=1; KPI cards carry intervals; one verdict per source", async () => {
    const page = await open(1280);
    await page.goto(server.url);
    await settled(page);
    // The point numbers first, then the same query with its intervals (main.ts loadTrust).
    const asked = watch.requests.filter((u) => u.includes("/api/analysis"));
    const withIntervals = asked.filter((u) => new URL(u).searchParams.get("intervals") === "1");
    assert.ok(withIntervals.length > 0, asked.join());
    const ci = await page.locator('.card .ci[data-ci="romi_h"]').textContent();
    assert.match(ci ?? "", /^90 % interval \[\d+\.\d\d–\d+\.\d\d\]$/);
    const verdicts = await page.locator('li[data-finding^="source-"] > p').allTextContents();
    assert.ok(verdicts.length > 0);
    const ids = await page
      .locator('li[data-finding^="source-"]')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.finding!.split("-")[1]));
    assert.equal(new Set(ids).size, ids.length, `two verdicts for one source: ${ids}`);
    for (const v of verdicts.filter((x) => !/at no cost|too few buyers to judge/.test(x)))
      assert.match(v, /mature cohort/, v);
    await page.screenshot({ path: `${LOOK_DIR}/trust-overview-1280.png`, fullPage: true });
    await page.close();
  });

  test("the by-source table shows [low–high]; the LTV table marks forecast cells", async () => {
    const page = await open(1280);
    await page.goto(`${server.url}?page=marketing`);
    await settled(page);
    await page.waitForSelector('figure[data-figure="romi-by-source"] svg');
    assert.ok((await page.locator('.by-source td .ci[data-ci="romi_h"]').count()) > 0);
    assert.ok((await page.locator('.by-source td .ci[data-ci="cac"]').count()) > 0);
    await page.locator(".by-source").screenshot({ path: `${LOOK_DIR}/trust-by-source-1280.png` });
    await page.goto(`${server.url}?page=sales&lang=ru`);
    await settled(page);
    const forecast = page.locator("details.cohort-table td i[data-forecast]");
    assert.ok((await forecast.count()) > 0, "no forecast cell in the LTV table");
    assert.equal(await forecast.first().getAttribute("title"), "прогноз");
    await page.close();
  });

  test("phone width: the overview and the by-source table still read", async () => {
    const page = await open(390);
    await page.goto(`${server.url}?lang=ru`);
    await settled(page);
    assert.match(
      (await page.locator('.card .ci[data-ci="romi_h"]').textContent()) ?? "",
      /^интервал 90 % \[/,
    );
    await page.screenshot({ path: `${LOOK_DIR}/trust-overview-390-ru.png`, fullPage: true });
    await page.goto(`${server.url}?page=marketing&lang=ru`);
    await settled(page);
    await page.screenshot({ path: `${LOOK_DIR}/trust-marketing-390-ru.png`, fullPage: true });
    await page.close();
  });

  test("a response without trust numbers draws without intervals and without an error", async () => {
    const page = await open(1280);
    await page.route("**/api/analysis**", async (route) => {
      const response = await route.fetch();
      const { trust: _trust, ...json } = (await response.json()) as Record<string, unknown>;
      await route.fulfill({ response, json });
    });
    const before = problems.length;
    await page.goto(`${server.url}?page=marketing&horizon=5`);
    await settled(page);
    await page.waitForSelector('figure[data-figure="romi-by-source"] svg');
    assert.equal(await page.locator("[data-ci]").count(), 0);
    assert.ok((await page.locator(".by-source tbody tr").count()) > 0);
    await page.locator('[data-page="overview"]').click();
    await settled(page);
    assert.ok((await page.locator(".verdict-group").count()) > 0);
    assert.deepEqual(problems.slice(before), []);
    await page.close();
  });

  test("no page error or console error", () => {
    assert.deepEqual(problems, []);
  });
});
