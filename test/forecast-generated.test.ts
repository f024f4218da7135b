/**
 * The rolling-origin backtest on generated samples (bench/backtest-generated.ts runs 24 larger ones):
 * a guard against a forecast tuned to the one real dataset. The generator's buyers repeat by its own
 * process (src/generate/profile.ts, REPEAT_ORDERS), not by a power curve, and every seed has the same
 * calendar, so the cohorts of one sample err together: the bounds are wide, and still fail a forecast
 * whose 80 % intervals are much too narrow or too wide, or which does not beat "no further growth".
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { backtest } from "../src/backtest.ts";
import type { BacktestCase } from "../src/forecast/backtest.ts";
import { generateSample } from "../src/generate/index.ts";
import { freshEngine, tempDir } from "./helpers/temp.ts";

describe("backtest on generated samples", async () => {
  const cases: BacktestCase[] = [];
  for (const seed of [1, 2, 3]) {
    const dir = tempDir();
    await generateSample({ out: dir, users: 20_000, seed });
    const run = await backtest(
      await freshEngine(),
      { orders: { path: join(dir, "orders_log_us.csv") } },
      { from: "2017-06-01", to: "2018-06-01", horizon: 6 },
    );
    cases.push(...run.result.cases);
  }
  const scored = cases.filter((c) => c.forecast !== null);

  it("80 % intervals cover between 70 % and 97 % of the outcomes (54 forecasts over 3 samples)", () => {
    assert.equal(scored.length, 54);
    assert.ok(
      scored.every((c) => c.low !== null && c.high !== null && c.low <= c.forecast! && c.forecast! <= c.high),
    );
    const inside = scored.filter((c) => c.actual >= c.low! && c.actual <= c.high!).length;
    assert.ok(
      inside / scored.length >= 0.7 && inside / scored.length <= 0.97,
      `coverage ${inside / scored.length}`,
    );
  });

  it("from each of 1, 2, 3 observed months the forecast beats the no-growth baseline, |bias| ≤ 12 %", () => {
    for (const m of [1, 2, 3]) {
      const own = scored.filter((c) => c.observedMonths === m);
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      const errors = own.map((c) => (c.forecast! - c.actual) / c.actual);
      const naive = mean(own.map((c) => Math.abs(c.naive - c.actual) / c.actual));
      assert.ok(
        mean(errors.map(Math.abs)) < naive,
        `${m} months: MAPE ${mean(errors.map(Math.abs))} vs ${naive}`,
      );
      assert.ok(Math.abs(mean(errors)) <= 0.12, `${m} months: bias ${mean(errors)}`);
    }
  });

  it("the buyer-level model, where it forecasts, beats no growth from each of 1, 2, 3 months, |bias| ≤ 12 %", () => {
    const buyer = cases.filter((c) => c.buyerForecast !== null);
    assert.ok(buyer.length >= 30, `${buyer.length} buyer-level forecasts`);
    assert.ok(buyer.every((c) => c.buyerLow! <= c.buyerForecast! && c.buyerForecast! <= c.buyerHigh!));
    const inside = buyer.filter((c) => c.actual >= c.buyerLow! && c.actual <= c.buyerHigh!).length;
    assert.ok(inside / buyer.length >= 0.7, `coverage ${inside / buyer.length}`);
    for (const m of [1, 2, 3]) {
      const own = buyer.filter((c) => c.observedMonths === m);
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      const errors = own.map((c) => (c.buyerForecast! - c.actual) / c.actual);
      const naive = mean(own.map((c) => Math.abs(c.naive - c.actual) / c.actual));
      assert.ok(
        mean(errors.map(Math.abs)) < naive,
        `${m} months: MAPE ${mean(errors.map(Math.abs))} vs ${naive}`,
      );
      assert.ok(Math.abs(mean(errors)) <= 0.12, `${m} months: bias ${mean(errors)}`);
    }
  });
});
