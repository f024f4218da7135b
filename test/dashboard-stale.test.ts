/**
 * After a failed fetch the dashboard must not pass the old numbers off as the new filter's (issue 12,
 * case 14): it says they are stale, dims them, and offers a retry that loads the new filter.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { generateSample } from "../src/generate/index.ts";
import { ingest } from "../src/ingest/index.ts";
import { describeDataset, startServer } from "../src/server/index.ts";
import { launchChromium, skipWithoutChromium } from "./helpers/browser.ts";
import { freshEngine, tempDir } from "./helpers/temp.ts";

const skip = skipWithoutChromium("the dashboard stale-numbers test");

describe("dashboard after a failed fetch", { skip }, async () => {
  const dir = tempDir();
  await generateSample({ out: dir, users: 1500, seed: 12 });
  const engine = await freshEngine();
  const dataset = await describeDataset(
    engine,
    await ingest(engine, {
      visits: { path: `${dir}/visits_log_us.csv` },
      orders: { path: `${dir}/orders_log_us.csv` },
      costs: { path: `${dir}/costs_us.csv` },
    }),
    "USD",
  );
  const server = await startServer({ dataset, port: 0 });
  const browser: Browser = await launchChromium();
  after(async () => {
    await browser.close();
    await server.close();
  });
  const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const settled = () =>
    page.waitForFunction(
      // Settled = the numbers and their intervals (the second request, main.ts loadTrust) are in.
      () =>
        !document.querySelector("#page[aria-busy]") &&
        !document.querySelector("#page[data-trust-pending]") &&
        document.querySelector("#page section"),
    );

  test("the old numbers are marked stale with a retry, and the retry loads the new filter", async () => {
    await page.goto(server.url);
    await settled();
    assert.equal(await page.locator("#page[data-stale]").count(), 0);

    const failing = (route: { fulfill: (r: object) => Promise<void> }) =>
      route.fulfill({ status: 503, contentType: "application/json", body: '{"error":"server busy"}' });
    await page.route("**/api/analysis?**", failing);
    await page.selectOption('select[name="attribution"]', "linear");
    await page.waitForSelector(".status.error [data-retry]");
    assert.match(
      (await page.locator(".status").textContent()) ?? "",
      /numbers below are for the previous filters/,
    );
    assert.equal(await page.locator("#page[data-stale]").count(), 1);
    mkdirSync("/tmp/dashboard-look", { recursive: true });
    await page.screenshot({ path: "/tmp/dashboard-look/stale.png" });

    await page.unroute("**/api/analysis?**", failing);
    await page.locator("[data-retry]").click();
    await settled();
    await page.waitForFunction(() => !document.querySelector("#page[data-stale]"));
    assert.equal((await page.locator(".status").textContent())?.trim(), "");
    assert.match((await page.locator("#verdict .note").first().textContent()) ?? "", /linear attribution/);
  });
});
