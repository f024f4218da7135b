/**
 * The dashboard's budget panel in headless Chromium: on the Marketing page it asks /api/budget for the
 * view's own plan, says which data it was fitted on and shows the plan's sentence; a device filter gets
 * the reason there is no plan; moving a what-if slider changes the scenario, not the filters.
 */
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { BudgetPlanResponse } from "../src/server/budget-plans.ts";
import { launchChromium, skipWithoutChromium } from "./helpers/browser.ts";
import { servedSample } from "./helpers/sample.ts";

const skip = skipWithoutChromium("the budget panel test");

describe("budget panel in headless Chromium", { skip }, async () => {
  const { server } = await servedSample(8000, 11);
  const browser: Browser = await launchChromium();
  after(async () => {
    await browser.close();
    await server.close();
  });
  const problems: string[] = [];
  const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  const panel = page.locator("[data-budget-panel]");
  const filled = () =>
    page
      .waitForSelector("[data-budget-panel] section#budget", { timeout: 240_000 })
      .then(async () => (await panel.textContent()) ?? "");
  const api = async (query: string): Promise<BudgetPlanResponse> =>
    (await (await fetch(new URL(`/api/budget${query}`, server.url))).json()) as BudgetPlanResponse;

  test("the view's plan, with what it is fitted on, and the sentence the API gives", async () => {
    await page.goto(new URL("?page=marketing&attribution=linear&horizon=3", server.url).href);
    const text = await filled();
    const expected = await api("?attribution=linear&horizon=3");
    assert.ok(expected.plan, "a plan on this sample");
    assert.match(text, /Fitted on .*linear.*3-month revenue, margin 1\.00; sources /);
    assert.ok(text.includes(expected.sentence), `${text.slice(0, 300)}`);
    assert.equal(
      await page.locator("[data-budget-panel] input[data-plan-source]").count(),
      expected.plan.sources.length,
    );
  });

  test("a what-if slider changes the scenario, not the filters", async () => {
    const slider = page.locator("[data-budget-panel] input[data-plan-source]").first();
    const before = await page.locator(".whatif-result").textContent();
    await slider.focus();
    for (let i = 0; i < 20; i++) await page.keyboard.press("ArrowRight");
    await slider.click();
    assert.notEqual(await page.locator(".whatif-result").textContent(), before);
    assert.doesNotMatch(page.url(), /sources=/);
  });

  test("a device filter: no plan, and why", async () => {
    await page.goto(new URL("?page=marketing&devices=touch&lang=ru", server.url).href);
    const text = await filled();
    assert.match(text, /Плана бюджета для фильтра по устройству нет/);
    assert.doesNotMatch(text, /Подогнан/);
    assert.deepEqual(problems, []);
  });
});
