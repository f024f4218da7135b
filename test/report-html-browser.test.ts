/**
 * The report in a real browser: headless Chromium (Debian's `/usr/bin/chromium`, driven by
 * playwright-core) opens index.html from disk, every figure must be visible, nothing may be logged as
 * an error or fetched, and full-page screenshots land in /tmp/report-look/ for a person to look at.
 * Skipped, with a message, where Chromium is not installed.
 */
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { FIGURE_NAMES, FIGURES, renderSvg } from "../src/charts/index.ts";
import { plotWidth } from "../src/charts/reflow.ts";
import { pageRenderings } from "../src/charts/render-all.ts";
import type { Lang } from "../src/i18n/index.ts";
import { PHONE_COLUMN, REPORT_COLUMN, renderReportHtml } from "../src/report/html/index.ts";
import { launchChromium, skipWithoutChromium } from "./helpers/browser.ts";
import { figureFits } from "./helpers/figure-fit.ts";
import { watchPage } from "./helpers/page-watch.ts";
import { reportPresentation, reportTables } from "./report-html-fixture.ts";

const LOOK_DIR = "/tmp/report-look";
const skip = skipWithoutChromium("the browser test");

/** Figures whose plot has a pixel width: the report draws them for the column and for a phone too. */
const REFLOWING = FIGURE_NAMES.filter(
  (n) => plotWidth(FIGURES[n](reportPresentation("en", reportTables()))) !== null,
);

/** The report as `report` writes it: each figure at its natural size, for the column and for a phone. */
async function writeReport(lang: Lang): Promise<string> {
  const tables = reportTables();
  const rooms = { wide: REPORT_COLUMN, narrow: PHONE_COLUMN };
  const figures = await Promise.all(
    FIGURE_NAMES.map(async (name) => {
      const spec = FIGURES[name](reportPresentation(lang, tables));
      const svg = await renderSvg(spec);
      return { name, svg, ...(await pageRenderings(spec, svg, rooms, renderSvg)) };
    }),
  );
  const dir = `${LOOK_DIR}/${lang}`;
  mkdirSync(dir, { recursive: true });
  const path = `${dir}/index.html`;
  writeFileSync(path, renderReportHtml(reportPresentation(lang, tables), { figures }));
  return path;
}

describe("HTML report in headless Chromium", { skip }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  for (const lang of ["en", "ru"] as const) {
    test(`${lang}: figures visible, no console error, no request; screenshots`, async () => {
      const file = pathToFileURL(await writeReport(lang)).href;
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const { problems, requests } = watchPage(page, { warnings: true });
      await page.goto(file, { waitUntil: "load" });

      const figures = page.locator("figure.fig > svg:visible");
      assert.equal(await figures.count(), FIGURE_NAMES.length, "one drawing of each figure shows");
      for (const name of FIGURE_NAMES) {
        const svg = page.locator(`figure[data-figure="${name}"] > svg:visible`);
        assert.ok(await svg.isVisible(), `${name} is visible`);
        const box = await svg.boundingBox();
        assert.ok(
          box && box.width > 200 && box.height > 100,
          `${name} has a real size: ${JSON.stringify(box)}`,
        );
      }
      // Nothing wider than the page: tables and figures fit (or scroll inside their own box).
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the window`);
      // On a desktop a figure with a pixel-wide plot is the drawing for the column: it fills it.
      const desktop = await figureFits(page);
      assert.ok(REFLOWING.length >= 10, `figures that reflow: ${REFLOWING.join(", ")}`);
      for (const name of REFLOWING) {
        const f = desktop.find((d) => d.name === name)!;
        assert.equal(f.fit, "wide", `${name}: the column's drawing at 1280 px`);
        assert.ok(f.drawn > 900 && f.drawn <= f.box, `${name}: drawn ${f.drawn} px in ${f.box} px`);
        assert.ok(f.minText >= 10, `${name}: text ${f.minText.toFixed(2)} px`);
      }

      mkdirSync(LOOK_DIR, { recursive: true });
      await page.screenshot({ path: `${LOOK_DIR}/${lang}.png`, fullPage: true });
      await page.setViewportSize({ width: 390, height: 800 });
      const narrow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(narrow <= 0, `on a phone the page is ${narrow}px wider than the screen`);
      // On a phone a reflowing figure shows its phone drawing; every figure's text stays at 10 px or
      // more: one still wider than the screen (a heatmap) scrolls inside its box instead of shrinking.
      const phone = await figureFits(page);
      assert.equal(phone.length, FIGURE_NAMES.length);
      for (const f of phone) {
        assert.ok(f.box <= 390, `${f.name}: box ${f.box} px`);
        assert.ok(f.minText >= 10, `${f.name}: text ${f.minText.toFixed(2)} px on a phone`);
        if (REFLOWING.includes(f.name as never))
          assert.equal(f.fit, "narrow", `${f.name}: the phone's drawing`);
        else assert.equal(f.fit, null, `${f.name}: drawn once`);
      }
      const fitting = phone.filter((f) => f.natural <= PHONE_COLUMN + 6);
      assert.ok(fitting.length >= 10, `figures that fit a phone at full size: ${fitting.length}`);
      await page.screenshot({ path: `${LOOK_DIR}/${lang}-narrow.png`, fullPage: false });
      await page.emulateMedia({ media: "print" });
      await page.setViewportSize({ width: 794, height: 1123 });
      // Paper gets the natural drawing (about 720 px, an A4 column's width): its text is not shrunk.
      for (const f of await figureFits(page))
        if (REFLOWING.includes(f.name as never)) assert.equal(f.fit, "natural", `${f.name} on paper`);
      await page.screenshot({ path: `${LOOK_DIR}/${lang}-print.png`, fullPage: true });
      const pdf = await page.pdf({ format: "A4", printBackground: true });
      writeFileSync(`${LOOK_DIR}/${lang}.pdf`, pdf);
      assert.ok(pdf.subarray(0, 5).toString() === "%PDF-", "prints to PDF");
      await page.close();

      assert.deepEqual(problems, [], "console errors or warnings");
      assert.deepEqual(
        requests.filter((u) => u !== file),
        [],
        "requests besides the page itself",
      );
    });
  }
});
