/**
 * The rolling-origin backtest (src/forecast/backtest.ts, `channelscope backtest`) on the real Afisha
 * orders, with the acceptance figures, and the claim it rests on: hiding the cells after a cut
 * month is the same as cutting the orders there.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { backtest } from "../src/backtest.ts";
import { type BacktestCase, hideAfter, largestMisses } from "../src/forecast/backtest.ts";
import { cohortCurves } from "../src/forecast/ltv-forecast.ts";
import { monthIndex } from "../src/forecast/months.ts";
import { ingest } from "../src/ingest/index.ts";
import { computeMetrics } from "../src/metrics/index.ts";
import { normalizeOptions } from "../src/metrics/options.ts";
import { freshEngine, tempDir, writeLines } from "./helpers/temp.ts";

// ../shared beside the clone (CI); CHANNELSCOPE_AFISHA points elsewhere (a worktree has no sibling).
const AFISHA =
  process.env.CHANNELSCOPE_AFISHA ?? new URL("../../shared/data/afisha/", import.meta.url).pathname;
const ORDERS = `${AFISHA.replace(/\/?$/, "/")}orders_log_us.csv`;
const WINDOW = { from: "2017-06-01", to: "2018-06-01" };

describe("backtest on the real Afisha orders", { skip: !existsSync(ORDERS) && "no ../shared" }, async () => {
  // Orders only: there are no visits to default the window from, so it is passed.
  const run = await backtest(await freshEngine(), { orders: { path: ORDERS } }, { ...WINDOW, horizon: 6 });
  const { result } = run;
  const row = (model: string, m: number | null) =>
    result.summary.find((s) => s.model === model && s.observedMonths === m)!;

  it("scores the buyer cohorts 2017-06..2017-12 at H = 6 from 1, 2 and 3 observed months", () => {
    assert.deepEqual(result.cohorts, [
      "2017-06",
      "2017-07",
      "2017-08",
      "2017-09",
      "2017-10",
      "2017-11",
      "2017-12",
    ]);
    assert.equal(result.cases.length, 21);
    // The first cuts have fewer than two older cohorts to learn the shape from: no forecast, counted.
    assert.equal(row("power-curve", null).unscored, 3);
  });

  it("acceptance: |bias| ≤ 10 % and 80 % intervals cover ≥ 70 % from each of 1, 2, 3 months; MAPE ≤ 16 % from 2 and 3", () => {
    const pooled = row("power-curve", null);
    assert.ok(pooled.mape! <= 0.16, `MAPE ${pooled.mape}`);
    assert.ok(Math.abs(pooled.bias!) <= 0.1, `bias ${pooled.bias}`);
    assert.ok(pooled.coverage! >= 0.7, `coverage ${pooled.coverage}`);
    for (const m of [1, 2, 3]) {
      const model = row("power-curve", m);
      const naive = row("no-growth", m);
      assert.ok(model.mape! < naive.mape!, `${m} months: ${model.mape} vs baseline ${naive.mape}`);
      assert.ok(Math.abs(model.bias!) <= 0.1, `${m} months: bias ${model.bias}`);
      assert.ok(model.coverage! >= 0.7, `${m} months: coverage ${model.coverage} of ${model.intervals}`);
      assert.equal(model.intervals, model.cases, `${m} months: every scored forecast has an interval`);
      // The baseline always under-forecasts: cumulative LTV only grows.
      assert.ok(naive.bias! < 0 && naive.mape! > 0.19, `baseline ${naive.mape}`);
    }
    assert.ok(row("power-curve", 2).mape! <= 0.16 && row("power-curve", 3).mape! <= 0.16);
    // NOT the 16 %: from 1 month MAPE is 17.5 %. The 2017-09 whale (one buyer, 11.6k of the
    // cohort's revenue, nearly all after month 1) is a −37 % miss on 5 cases, and the autumn cohorts
    // grow slower than the summer ones they are forecast from (+16 %, +19 %): docs/decisions.md.
    assert.ok(row("power-curve", 1).mape! <= 0.18, `1 month: ${row("power-curve", 1).mape}`);
  });

  it("names the 2017-09 cohort as the largest miss from 1, 2 and 3 months, and the MAPE without it", () => {
    const misses = largestMisses(result, "power-curve");
    assert.deepEqual(
      misses.map((m) => [m.observedMonths, m.cohort, m.others]),
      [
        [1, "2017-09", 4],
        [2, "2017-09", 5],
        [3, "2017-09", 6],
      ],
    );
    // From the cases themselves: the other cohorts' mean absolute error, and the miss's own error.
    for (const miss of misses) {
      const errors = result.cases
        .filter((c) => c.observedMonths === miss.observedMonths && c.forecast !== null)
        .map((c) => ({ cohort: c.cohort, error: (c.forecast! - c.actual) / c.actual }));
      const others = errors.filter((e) => e.cohort !== "2017-09");
      const mean = others.reduce((sum, e) => sum + Math.abs(e.error), 0) / others.length;
      assert.ok(Math.abs(miss.mapeWithout - mean) < 1e-12, `${miss.observedMonths} months`);
      assert.equal(miss.error, errors.find((e) => e.cohort === "2017-09")!.error);
    }
    // From 1 month: −37.5 %, and 12.6 % on the other four (17.5 % with it, against the 16 %).
    assert.ok(Math.abs(misses[0]!.error + 0.375) < 0.001, String(misses[0]!.error));
    assert.ok(Math.abs(misses[0]!.mapeWithout - 0.126) < 0.001, String(misses[0]!.mapeWithout));
  });

  it("hiding the cells after a cut equals cutting the orders there", async () => {
    const lines = readFileSync(ORDERS, "utf8").trimEnd().split("\n");
    const full = await ltvOf(ORDERS);
    const dir = tempDir();
    for (const cut of ["2017-08", "2017-12", "2018-03"]) {
      // Orders up to the end of the cut month; the window stays the same, so only orders differ.
      const end = `${cut}-31 23:59:59`;
      const kept = [lines[0]!, ...lines.slice(1).filter((l) => l.slice(0, 19) <= end)];
      const truncated = await ltvOf(writeLines(dir, `orders-${cut}.csv`, kept));
      const hidden = hideAfter(cohortCurves(full), monthIndex(cut));
      const seen = cohortCurves(truncated).map((c) => ({
        ...c,
        ltv: c.ltv.slice(0, monthIndex(cut) - monthIndex(c.cohort) + 1),
      }));
      assert.deepEqual(
        seen.filter((c) => c.ltv.length > 0),
        hidden,
        cut,
      );
    }
  });
});

async function ltvOf(path: string) {
  const engine = await freshEngine();
  await ingest(engine, { orders: { path } }, WINDOW);
  return (await computeMetrics(engine, normalizeOptions({ ...WINDOW, horizon: 6 }))).tables.ltv;
}

describe("largestMisses", () => {
  const c = (
    cohort: string,
    observedMonths: number,
    actual: number,
    forecast: number | null,
  ): BacktestCase => ({
    cohort,
    observedMonths,
    cut: cohort,
    actual,
    forecast,
    low: null,
    high: null,
    naive: actual / 2,
    trainingCohorts: 2,
    buyerForecast: forecast === null ? null : forecast * 2,
    buyerLow: null,
    buyerHigh: null,
  });
  const cases = [
    // From 1 month: errors −40 %, +10 %, −20 %; an unscored case; a case of actual 0 (not scored).
    c("2020-01", 1, 10, 6),
    c("2020-02", 1, 10, 11),
    c("2020-03", 1, 10, 8),
    c("2020-04", 1, 10, null),
    c("2020-05", 1, 0, 3),
    // From 2 months: a single scored case, so no miss to set apart.
    c("2020-01", 2, 10, 9),
  ];

  it("per observed months: the case of largest |error| and the mean |error| of the others", () => {
    const [one, ...rest] = largestMisses({ cases }, "power-curve");
    assert.deepEqual(rest, []);
    assert.equal(one!.cohort, "2020-01");
    assert.equal(one!.observedMonths, 1);
    assert.ok(Math.abs(one!.error + 0.4) < 1e-12);
    assert.ok(Math.abs(one!.mapeWithout - 0.15) < 1e-12);
    assert.equal(one!.others, 2);
  });

  it("scores the buyer-level model on its own forecasts", () => {
    // Buyer forecasts are twice the power curve's: 12, 22, 16 against 10 → +20 %, +120 %, +60 %.
    const [one] = largestMisses({ cases }, "buyer-level");
    assert.equal(one!.cohort, "2020-02");
    assert.ok(Math.abs(one!.error - 1.2) < 1e-12);
    assert.ok(Math.abs(one!.mapeWithout - 0.4) < 1e-12);
  });
});
