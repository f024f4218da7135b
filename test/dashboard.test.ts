/**
 * The dashboard: every figure must draw the same under vega-interpreter (what the page uses, for its
 * strict CSP) as under Vega's own expression code; then, in headless Chromium (Debian's
 * /usr/bin/chromium via playwright-core), the page shows KPIs and charts, a click on a source filters
 * by it (a KPI and a chart change, the address keeps the state), Russian switches every text, nothing
 * is logged as an error and nothing is fetched from elsewhere. Screenshots go to /tmp/dashboard-look/.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, describe, test } from "node:test";
import type { Browser, Locator, Page } from "playwright-core";
import { parse, View } from "vega";
import { expressionInterpreter } from "vega-interpreter";
import { compile } from "vega-lite";
import { FIGURE_NAMES, FIGURES } from "../src/charts/index.ts";
import { timestampsForInterpreter } from "../src/web/vega-compat.ts";
import { launchChromium, skipWithoutChromium } from "./helpers/browser.ts";
import { watchPage } from "./helpers/page-watch.ts";
import { servedSample } from "./helpers/sample.ts";
import { reportPresentation, reportTables } from "./report-html-fixture.ts";

const LOOK_DIR = "/tmp/dashboard-look";
const skip = skipWithoutChromium("the dashboard test");

const text = async (l: Locator) => (await l.textContent()) ?? "";

/** Vega numbers gradients and clip paths per render; ids aside, the drawings must be identical. */
const withoutIds = (svg: string) => svg.replace(/(gradient|clip)_?\d+/g, "$1");

describe("dashboard figures under vega-interpreter", () => {
  test("every figure draws as with Vega's code generator", async () => {
    const tables = reportTables();
    for (const lang of ["en", "ru"] as const) {
      for (const name of FIGURE_NAMES) {
        const spec = compile(FIGURES[name](reportPresentation(lang, tables))).spec;
        const reference = await new View(parse(spec), { renderer: "none" }).toSVG();
        const interpreted = await new View(parse(timestampsForInterpreter(spec), undefined, { ast: true }), {
          renderer: "none",
          expr: expressionInterpreter,
        } as ConstructorParameters<typeof View>[1]).toSVG();
        assert.equal(withoutIds(interpreted), withoutIds(reference), `${name} (${lang})`);
      }
    }
  });
});

describe("dashboard in headless Chromium", { skip }, async () => {
  const { server } = await servedSample(3000, 11);
  const browser: Browser = await launchChromium();
  after(async () => {
    await browser.close();
    await server.close();
  });
  mkdirSync(LOOK_DIR, { recursive: true });
  const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const { problems, requests } = watchPage(page, { warnings: true });
  const foreign = () => requests.filter((u) => !u.startsWith(server.url) && !u.startsWith("data:"));
  const kpi = (label: string) =>
    page
      .locator(".card", { has: page.locator(".label", { hasText: label }) })
      .locator(".value")
      .textContent()
      .then((x) => x ?? "");
  const settled = () =>
    page.waitForFunction(
      () =>
        !document.querySelector("#page[aria-busy]") &&
        !document.querySelector("#page[data-trust-pending]") &&
        document.querySelector("#page section"),
    );

  test("overview: KPIs and verdicts", async () => {
    await page.goto(server.url);
    await settled();
    assert.match(await kpi("Users"), /^\d{1,3}(,\d{3})*$/);
    assert.ok((await page.locator(".verdict-group").count()) > 0);
    await page.screenshot({ path: `${LOOK_DIR}/overview-en.png`, fullPage: true });
  });

  test("clicking a source in a chart opens its page, filtered to it: a KPI changes, the address keeps it", async () => {
    const usersAll = await kpi("Users");
    await page.locator('[data-page="marketing"]').click();
    await page.waitForSelector('figure[data-figure="romi-by-source"] svg');
    await settled();
    const spendLegend = () =>
      page.locator('figure[data-figure="spend-by-source"] svg .role-legend-label text').allTextContents();
    const before = await spendLegend();
    assert.ok(before.length >= 2, `legend: ${before}`);
    // A bar of the ROMI-by-source figure: its aria label names the source ("3 · 1,234 buyers").
    const bar = page
      .locator('figure[data-figure="romi-by-source"] svg path[aria-roledescription="bar"]')
      .first();
    const label = (await bar.getAttribute("aria-label")) ?? "";
    const id = /label: ([^;·]+?)(?: ·|;|$)/.exec(label)?.[1] ?? "";
    assert.ok(id, `bar label: ${label}`);
    await bar.hover();
    await page.waitForSelector("#vg-tooltip-element.visible");
    assert.match(await text(page.locator("#vg-tooltip-element")), new RegExp(id));
    await bar.click();
    // Not the same charts cut down to one bar: the source's own page (src/web/source-page.ts).
    await page.waitForURL(
      (url) => url.searchParams.get("sources") === id && url.searchParams.get("page") === "source",
    );
    await settled();
    await page.waitForSelector("#page figure svg");
    assert.equal(await page.locator('figure[data-figure="spend-by-source"]').count(), 0);
    assert.equal(await page.locator(`button[data-source="${id}"][aria-pressed="true"]`).count(), 1);
    assert.match(await text(page.locator(".filter-note")), new RegExp(`source ${id}`));
    await page.screenshot({ path: `${LOOK_DIR}/marketing-source-${id}.png`, fullPage: true });
    await page.locator('[data-page="overview"]').click();
    await settled();
    assert.notEqual(await kpi("Users"), usersAll);
    // The address is the whole state: opening it afresh shows the same view.
    const url = page.url();
    await page.goto(url);
    await settled();
    assert.equal(await page.locator(`button[data-source="${id}"][aria-pressed="true"]`).count(), 1);
  });

  test("attribution and horizon controls refetch and redraw", async () => {
    await page.locator('[data-page="overview"]').click();
    await settled();
    await page.selectOption('select[name="attribution"]', "linear");
    await page.waitForURL((url) => url.searchParams.get("attribution") === "linear");
    await settled();
    assert.match(await text(page.locator("#verdict .note").first()), /linear attribution/);
    await page.fill('input[name="horizon"]', "3");
    await page.locator('input[name="horizon"]').dispatchEvent("change");
    await page.waitForURL((url) => url.searchParams.get("horizon") === "3");
    await settled();
    assert.match(await kpi("LTV at 3 months"), /USD/);
    await page.locator("[data-reset]").click();
    await page.waitForURL((url) => !url.search.includes("sources"));
    await settled();
  });

  test("Russian: every text switches to Cyrillic", async () => {
    await page.locator('[data-lang="ru"]').click();
    await page.waitForURL((url) => url.searchParams.get("lang") === "ru");
    await settled();
    assert.match(await text(page.locator("h1")), /[а-яё]/i);
    assert.match(await text(page.locator(".tabs")), /Обзор/);
    assert.match(await text(page.locator("#page h2").first()), /[а-яё]/i);
    await page.screenshot({ path: `${LOOK_DIR}/overview-ru.png`, fullPage: true });
    for (const p of ["product", "sales", "quality"] as const) {
      await page.locator(`[data-page="${p}"]`).click();
      await settled();
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${LOOK_DIR}/${p}-ru.png`, fullPage: true });
      if (p === "quality") continue;
      const texts = await page.locator("#page figure svg text").allTextContents();
      assert.ok(
        texts.some((x) => /[а-яё]/i.test(x)),
        `${p}: figure texts in Russian too`,
      );
    }
  });

  test("no console error, nothing fetched from elsewhere", () => {
    assert.deepEqual(problems, []);
    assert.deepEqual(foreign(), []);
  });
});
