/**
 * The dashboard on a phone (390 px) and a desktop (1280 px), in headless Chromium: figures are drawn
 * for their column (no figure box wider than the screen, no text under 9 px, full-width plots widen
 * on a desktop), the filter bar stays in view when the page scrolls (folded to a line on a phone),
 * and the source page shows the API's own numbers for `sources=<id>` beside the unfiltered ones.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { analysisOfDocument, presentationOf } from "../src/presentation.ts";
import { fmtCac, fmtMoney, fmtRatio } from "../src/report/html/format.ts";
import type { AnalysisDocument } from "../src/server/analysis.ts";
import { launchChromium, skipWithoutChromium } from "./helpers/browser.ts";
import { figureFits } from "./helpers/figure-fit.ts";
import { servedSample } from "./helpers/sample.ts";

const skip = skipWithoutChromium("the dashboard phone test");

describe("dashboard at 390 and 1280 px", { skip }, async () => {
  const { server } = await servedSample(3000, 11);
  const browser: Browser = await launchChromium();
  after(async () => {
    await browser.close();
    await server.close();
  });
  const open = async (width: number, query: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width, height: 844 } });
    await page.goto(`${server.url}${query}`);
    await page.waitForFunction(
      () =>
        !document.querySelector("#page[aria-busy]") &&
        !document.querySelector("#page[data-trust-pending]") &&
        document.querySelector("#page section"),
    );
    await page.waitForFunction(() =>
      [...document.querySelectorAll("figure.fig")].every((f) => f.querySelector("svg")),
    );
    return page;
  };
  const api = async (query: string): Promise<AnalysisDocument> =>
    (await (await fetch(`${server.url}api/analysis?${query}`)).json()) as AnalysisDocument;

  for (const lang of ["en", "ru"] as const)
    for (const p of ["product", "sales", "marketing"] as const)
      test(`390 px, ${lang}, ${p}: no figure wider than the screen, no text under 9 px`, async () => {
        const page = await open(390, `?page=${p}&lang=${lang}`);
        const fits = await figureFits(page);
        assert.ok(fits.length >= 3, `figures on ${p}`);
        for (const f of fits) {
          assert.ok(f.box <= 390, `${f.name}: box ${f.box} px`);
          assert.ok(f.minText >= 9, `${f.name}: text ${f.minText.toFixed(1)} px`);
        }
        // The page itself never scrolls sideways: a figure still wider than its box scrolls inside it.
        assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390);
        await page.close();
      });

  test("390 px: the by-source table scrolls sideways with its source column kept in view", async () => {
    const page = await open(390, "?page=marketing");
    const wrap = page.locator(".by-source .table-wrap");
    // No named function inside: the page would not know tsx's __name helper.
    const { overflow, before, after } = await wrap.evaluate((el) => {
      const first = el.querySelector("tbody td")!.getBoundingClientRect().left;
      el.scrollLeft = 400;
      return {
        overflow: el.scrollWidth - el.clientWidth,
        before: first,
        after: el.querySelector("tbody td")!.getBoundingClientRect().left,
      };
    });
    assert.ok(overflow > 300, `the table is wider than the phone (${overflow} px more)`);
    assert.equal(Math.round(after), Math.round(before), "the first column stays put");
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 390);
    await page.close();
  });

  test("1280 px: full-width plots widen to the column, text keeps its size", async () => {
    const page = await open(1280, "?page=product");
    const fits = await figureFits(page);
    const activity = fits.find((f) => f.name === "activity")!;
    // The builders draw activity 736 px wide for a 600-px plot; in a 1,124-px column it widens.
    assert.ok(activity.drawn > 900 && activity.drawn <= activity.box, `activity drawn ${activity.drawn} px`);
    for (const f of fits) assert.ok(f.minText >= 9.9, `${f.name}: text ${f.minText.toFixed(1)} px`);
    await page.close();
  });

  test("390 px: the filter bar stays in view, folded to one line that unfolds", async () => {
    const page = await open(390, "?page=sales&sources=3");
    const bar = page.locator("form.filters");
    assert.match((await bar.locator(".filter-summary").textContent()) ?? "", /Sources: 3/);
    assert.equal(await bar.locator('input[name="from"]').isVisible(), false, "folded");
    const folded = (await bar.boundingBox())!;
    assert.ok(folded.height < 60, `one line: ${folded.height} px`);
    await page.evaluate(() => window.scrollTo(0, 2500));
    await page.waitForTimeout(100);
    const scrolled = (await bar.boundingBox())!;
    assert.ok(scrolled.y >= 0 && scrolled.y < 5, `at the top after scrolling: y ${scrolled.y}`);
    await bar.locator("[data-filters-toggle]").click();
    assert.equal(await bar.locator('input[name="from"]').isVisible(), true, "unfolded");
    assert.equal(await bar.locator("[data-filters-toggle]").getAttribute("aria-expanded"), "true");
    await page.close();
  });

  test("1280 px: the filter bar stays in view after scrolling", async () => {
    const page = await open(1280, "?page=sales");
    await page.evaluate(() => window.scrollTo(0, 2500));
    await page.waitForTimeout(100);
    const box = (await page.locator("form.filters").boundingBox())!;
    assert.ok(box.y >= 0 && box.y < 5, `y ${box.y}`);
    assert.ok(await page.locator('input[name="from"]').isVisible());
    await page.close();
  });

  for (const lang of ["en", "ru"] as const)
    test(`source page (${lang}): the source's numbers are the API's filtered slice, beside the totals`, async () => {
      const one = await api(`sources=3&lang=${lang}`);
      const all = await api(`lang=${lang}`);
      const v = presentationOf(analysisOfDocument(one), lang).context;
      const page = await open(1280, `?page=source&sources=3&lang=${lang}`);
      await page.waitForSelector(".source-months table");
      const rows = await page.$$eval(".source-months tbody tr", (trs) =>
        trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => (td.textContent ?? "").trim())),
      );
      const spendOf = (doc: AnalysisDocument, month: string, source?: string) =>
        doc.tables.costs_by_source_month
          .filter((r) => r.month === month && (source === undefined || r.source === source))
          .reduce((a, r) => a + r.costs, 0);
      const h = one.options.horizon;
      assert.ok(rows.length >= 10, `months: ${rows.length}`);
      for (const [month, spend, spendAll, , , cac, revenue, romi, romiAll] of rows) {
        assert.equal(spend, fmtMoney(v, spendOf(one, month!, "3")), `${month}: spend`);
        assert.equal(spendAll, fmtMoney(v, spendOf(all, month!)), `${month}: all sources' spend`);
        const cohort = one.tables.cac_by_cohort.find((r) => r.cohort === month);
        if (cohort) assert.equal(cac, fmtCac(v, cohort.cac), `${month}: CAC`);
        const sold = one.orders.aovByMonth.find((r) => r.month === month);
        if (sold) assert.equal(revenue, fmtMoney(v, sold.revenue), `${month}: revenue`);
        const r = one.tables.romi_by_cohort.find((x) => x.cohort === month && x.lifetime === h - 1);
        assert.equal(romi, fmtRatio(v, r?.romi ?? null), `${month}: ROMI`);
        const ra = all.tables.romi_by_cohort.find((x) => x.cohort === month && x.lifetime === h - 1);
        assert.equal(romiAll, fmtRatio(v, ra?.romi ?? null), `${month}: all sources' ROMI`);
      }
      const compare = await page.$$eval(".source-compare tbody tr", (trs) =>
        trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => (td.textContent ?? "").trim())),
      );
      const spendLine = compare.find((c) => /^(Spend|Расходы)$/.test(c[0]!))!;
      assert.deepEqual(spendLine.slice(1, 3), [fmtMoney(v, one.data.costs), fmtMoney(v, all.data.costs)]);
      const cacLine = compare.find((c) => c[0] === "CAC")!;
      assert.deepEqual(cacLine.slice(1, 3), [fmtCac(v, one.marketing.cac), fmtCac(v, all.marketing.cac)]);
      // The source page draws the source against all sources: two series in each figure.
      for (const name of ["source-romi", "source-cac", "source-spend"]) {
        const legend = await page
          .locator(`figure[data-figure="${name}"] .role-legend-label text`)
          .allTextContents();
        assert.equal(legend.length, 2, `${name}: ${legend}`);
      }
      await page.close();
    });

  test("source page without exactly one source asks for one", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 844 } });
    await page.goto(`${server.url}?page=source`);
    await page.waitForSelector(".source-pick");
    assert.match((await page.locator(".source-pick").textContent()) ?? "", /Choose one source/);
    await page.close();
  });
});
