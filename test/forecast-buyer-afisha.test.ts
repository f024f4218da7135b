/**
 * The buyer-level forecast beside the power curve on the real Afisha orders (`channelscope backtest`,
 * buyer cohorts 2017-06..2017-12, H = 6), with the figures README and docs/decisions.md quote, and the
 * issue's acceptance checked for each model. Its input — every new buyer's months — sums to the LTV
 * matrix cell by cell. Unlike a skipped test, this one fails when the data are missing: the claims in
 * the docs rest on it.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { before, describe, it } from "node:test";
import { backtest, ltvAndBuyers } from "../src/backtest.ts";
import type { BacktestResult } from "../src/forecast/backtest.ts";
import { ingest } from "../src/ingest/index.ts";
import { normalizeOptions } from "../src/metrics/options.ts";
import { freshEngine } from "./helpers/temp.ts";

// ../shared beside the clone (CI); CHANNELSCOPE_AFISHA points elsewhere (a worktree has no sibling).
const AFISHA =
  process.env.CHANNELSCOPE_AFISHA ?? new URL("../../shared/data/afisha/", import.meta.url).pathname;
const ORDERS = `${AFISHA.replace(/\/?$/, "/")}orders_log_us.csv`;
const WINDOW = { from: "2017-06-01", to: "2018-06-01" };
const MISSING = `the Afisha orders are not at ${ORDERS}: set CHANNELSCOPE_AFISHA to the folder holding orders_log_us.csv`;

describe("buyer-level forecast on the real Afisha orders", () => {
  let result: BacktestResult;
  before(async () => {
    assert.ok(existsSync(ORDERS), MISSING);
    result = (await backtest(await freshEngine(), { orders: { path: ORDERS } }, { ...WINDOW, horizon: 6 }))
      .result;
  });
  const row = (model: string, m: number | null) =>
    result.summary.find((s) => s.model === model && s.observedMonths === m)!;
  const near = (got: number | null, want: number, what: string) =>
    assert.ok(got !== null && Math.abs(got - want) < 0.0005, `${what}: ${got} vs ${want}`);

  it("the table README and docs/decisions.md quote (both models, the same 21 cases)", () => {
    assert.equal(result.cases.length, 21);
    // [observed months, scored, unscored, MAPE, bias, coverage]
    const buyer = [
      [1, 5, 2, 0.207, -0.207, 0.8],
      [2, 5, 2, 0.158, -0.142, 0.8],
      [3, 5, 2, 0.113, -0.106, 0.8],
    ] as const;
    for (const [m, cases, unscored, mape, bias, coverage] of buyer) {
      const r = row("buyer-level", m);
      assert.deepEqual([r.cases, r.unscored, r.intervals], [cases, unscored, cases], `${m} months`);
      near(r.mape, mape, `${m} months MAPE`);
      near(r.bias, bias, `${m} months bias`);
      near(r.coverage, coverage, `${m} months coverage`);
    }
    // The power curve's rows are unchanged by the second model.
    near(row("power-curve", 1).mape, 0.175, "power curve from 1 month");
    near(row("power-curve", 3).mape, 0.127, "power curve from 3 months");
  });

  it("the cases the buyer-level model cannot forecast are the first cuts, reported, not dropped", () => {
    const missing = result.cases
      .filter((c) => c.buyerForecast === null)
      .map((c) => `${c.cohort}/${c.observedMonths}`);
    // 2017-06 and 2017-07: fewer than two older cohorts observed past the anchor (no cohort spread)
    // or too few months of buyers to pin the model down.
    assert.deepEqual(missing, ["2017-06/1", "2017-06/2", "2017-06/3", "2017-07/1", "2017-07/2", "2017-07/3"]);
  });

  it("acceptance (MAPE ≤ 16 %, |bias| ≤ 10 %, coverage ≥ 70 % from each of 1–3 months): neither model meets all of it", () => {
    const meets = (model: string, m: number) => {
      const r = row(model, m);
      return { mape: r.mape! <= 0.16, bias: Math.abs(r.bias!) <= 0.1, coverage: r.coverage! >= 0.7 };
    };
    assert.deepEqual(meets("power-curve", 1), { mape: false, bias: true, coverage: true });
    assert.deepEqual(meets("power-curve", 2), { mape: true, bias: true, coverage: true });
    assert.deepEqual(meets("power-curve", 3), { mape: true, bias: true, coverage: true });
    // The buyer-level model under-forecasts every cohort from 1 month (its pooled repeat rate knows
    // nothing of a cohort but its first month) and misses the bias bar from 2 and 3 months too.
    assert.deepEqual(meets("buyer-level", 1), { mape: false, bias: false, coverage: true });
    assert.deepEqual(meets("buyer-level", 2), { mape: true, bias: false, coverage: true });
    assert.deepEqual(meets("buyer-level", 3), { mape: true, bias: false, coverage: true });
  });

  it("its input, every new buyer's months, sums to the LTV matrix cell by cell", async () => {
    assert.ok(existsSync(ORDERS), MISSING);
    const engine = await freshEngine();
    await ingest(engine, { orders: { path: ORDERS } }, WINDOW);
    const { ltv, buyers } = await ltvAndBuyers(engine, normalizeOptions({ ...WINDOW, horizon: 6 }), true);
    const sums = new Map<string, number>();
    const sizes = new Map<string, number>();
    for (const b of buyers!) {
      sizes.set(b.cohort, (sizes.get(b.cohort) ?? 0) + 1);
      for (const [i, k] of b.lifetimes.entries())
        sums.set(`${b.cohort}/${k}`, (sums.get(`${b.cohort}/${k}`) ?? 0) + b.revenue[i]!);
    }
    let checked = 0;
    for (const cohort of new Set(ltv.map((r) => r.cohort))) {
      const cells = ltv.filter((r) => r.cohort === cohort).sort((a, b) => a.lifetime - b.lifetime);
      assert.equal(sizes.get(cohort), cells[0]!.cohort_size, `${cohort}: buyers`);
      let cumulative = 0;
      for (const cell of cells) {
        if (cell.ltv === null) break;
        cumulative += sums.get(`${cohort}/${cell.lifetime}`) ?? 0;
        assert.ok(
          Math.abs(cumulative / cell.cohort_size - cell.ltv) < 1e-9 * Math.max(1, cell.ltv),
          `${cohort}/${cell.lifetime}`,
        );
        checked++;
      }
    }
    assert.ok(checked >= 78, `${checked} cells`);
  });
});
