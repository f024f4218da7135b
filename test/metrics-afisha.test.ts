/**
 * The metric engine on the real Afisha orders and costs (no visits: those are not available). Every
 * number is checked against the naive reference fed straight from the raw files, and the headline
 * against the figure the original notebook published (LTV at 6 months, mean over cohorts ~ 7.97).
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { computeMetrics } from "../src/metrics/index.ts";
import { normalizeOptions } from "../src/metrics/options.ts";
import type { CostRecord, OrderRecord } from "../src/metrics/tables.ts";
import { assertTablesMatch } from "./fixtures/compare-tables.ts";
import { ENGINES, ingestOn } from "./helpers/engines.ts";
import { naiveTables } from "./naive/index.ts";

const AFISHA = new URL("../../shared/data/afisha/", import.meta.url).pathname;
const ORDERS = `${AFISHA}orders_log_us.csv`;
const COSTS = `${AFISHA}costs_us.csv`;

/** The raw files read by hand (plain CSV, no quoting), independent of the ingest. */
function rawRecords(): { orders: OrderRecord[]; costs: CostRecord[] } {
  const rows = (path: string) =>
    readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(","));
  const orders = rows(ORDERS).map(([ts, revenue, uid]) => ({ user_id: uid!, ts: ts!, revenue: revenue! }));
  const costs = rows(COSTS).map(([source, date, cost]) => ({
    source_id: source!,
    date: date!,
    costs: cost!,
  }));
  return { orders, costs };
}

for (const kind of ENGINES)
  describe(`metrics on the real Afisha orders and costs (${kind.name})`, {
    skip: !existsSync(ORDERS) && "no ../shared",
  }, async () => {
    if (!existsSync(ORDERS)) return;
    const engine = await kind.open();
    await ingestOn(engine, { orders: { path: ORDERS }, costs: { path: COSTS } });
    const options = normalizeOptions({ from: "2017-06-01", to: "2018-06-01", horizon: 6 });
    const result = await computeMetrics(engine, options);
    const reference = naiveTables({ visits: [], ...rawRecords() }, options);

    it("buyer cohorts, orders, LTV matrix, CAC, ROMI and payback per cohort match the reference", () => {
      assertTablesMatch(result.tables, {
        orders_by_cohort: { rows: reference.orders_by_cohort, complete: true },
        ltv: { rows: reference.ltv, complete: true },
        cac_by_cohort: { rows: reference.cac_by_cohort, complete: true },
        romi_by_cohort: { rows: reference.romi_by_cohort, complete: true },
        payback_by_cohort: { rows: reference.payback_by_cohort, complete: true },
        costs_by_source_month: { rows: reference.costs_by_source_month, complete: true },
      });
    });

    it("has the cohort sizes and headline numbers of the published analysis", () => {
      const size = (cohort: string) =>
        result.tables.ltv.find((r) => r.cohort === cohort && r.lifetime === 0)?.cohort_size;
      assert.equal(size("2017-06"), 2023);
      assert.equal(size("2018-05"), 2988);
      const sizes = result.tables.ltv.filter((r) => r.lifetime === 0).reduce((s, r) => s + r.cohort_size, 0);
      assert.equal(sizes, 36522); // 36,523 buyers less the one whose only order is after the window
      const summary = Object.fromEntries(result.tables.summary.map((r) => [r.metric, r.value]));
      assert.ok(
        Math.abs(Number(summary.ltv_h_cohort_mean) - 7.97) < 0.005,
        `ltv_h_cohort_mean ${summary.ltv_h_cohort_mean}`,
      );
      assert.equal(Number(summary.costs).toFixed(2), "329131.62");
      assert.equal(Number(summary.orders), 50414);
    });

    it("ROMI is cumulative: never falls as a cohort ages", () => {
      for (const cohort of new Set(result.tables.romi_by_cohort.map((r) => r.cohort))) {
        const cells = result.tables.romi_by_cohort.filter((r) => r.cohort === cohort && r.romi !== null);
        for (let i = 1; i < cells.length; i++) assert.ok(cells[i]!.romi! >= cells[i - 1]!.romi!);
      }
    });
  });
