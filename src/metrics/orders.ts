import { cohortCells } from "./cohort-cells.ts";
import { HORIZON, type MetricRun, num, numOrNull, text } from "./query.ts";
import type { OrderStats } from "./result.ts";
import type { OrdersByCohortRow } from "./tables.ts";

/**
 * Orders, revenue, ordering buyers and AOV per buyer cohort x lifetime month, for observed cells only
 * (an unobserved cell has no count to report; ltv.csv carries the unobserved ones as empty).
 */
export async function ordersByCohort(run: MetricRun): Promise<OrdersByCohortRow[]> {
  const { d } = run;
  const rows = await run.all(`
    SELECT ${d.formatMonth("cc.cohort")} AS cohort, cc.lifetime AS lifetime, CAST(cc.orders AS INTEGER) AS orders,
      CAST(cc.revenue AS DOUBLE) AS revenue, CAST(cc.buyers AS INTEGER) AS buyers,
      ${d.safeDivide("cc.revenue", "cc.orders")} AS aov
    FROM ${cohortCells(run)} cc WHERE cc.observed = 1 ORDER BY cc.cohort, cc.lifetime`);
  return rows.map((r) => ({
    cohort: text(r.cohort),
    lifetime: num(r.lifetime),
    orders: num(r.orders),
    revenue: num(r.revenue),
    buyers: num(r.buyers),
    aov: numOrNull(r.aov),
  }));
}

/**
 * AOV overall and per calendar month (every order of the window by the slice's users, returning
 * buyers included); orders per buyer within H over mature cohorts of new buyers.
 */
export async function orderStats(run: MetricRun): Promise<OrderStats> {
  const { d, t } = run;
  const byMonth = `(SELECT o.month_start AS month_start, sum(o.orders) AS orders, sum(o.revenue) AS revenue
    FROM ${t.ordersMonth} o WHERE ${run.inCombos("o.r")} GROUP BY o.month_start)`;
  const months = await run.all(`
    SELECT ${d.formatMonth("c.month_start")} AS month, CAST(coalesce(m.orders, 0) AS INTEGER) AS orders,
      CAST(coalesce(m.revenue, 0) AS DOUBLE) AS revenue, ${d.safeDivide("m.revenue", "m.orders")} AS aov
    FROM (SELECT DISTINCT k.month_start AS month_start FROM ${t.calendar} k) c
    LEFT JOIN ${byMonth} m ON m.month_start = c.month_start
    ORDER BY c.month_start`);
  const [totals] = await run.all(`
    SELECT ${d.safeDivide("sum(m.revenue)", "sum(m.orders)")} AS aov FROM ${byMonth} m`);
  // A cohort is mature when its cell H-1 is observed; cohorts without buyers have no cells.
  const [perBuyer] = await run.all(`
    WITH c AS (
      SELECT cc.cohort AS cohort, max(cc.size) AS size,
        sum(CASE WHEN cc.lifetime < ${HORIZON} THEN cc.orders ELSE 0 END) AS orders,
        max(CASE WHEN cc.observed = 1 AND cc.lifetime = ${HORIZON} - 1 THEN 1 ELSE 0 END) AS mature
      FROM ${cohortCells(run)} cc GROUP BY cc.cohort)
    SELECT avg(CAST(CAST(c.orders AS DOUBLE) / c.size AS DECIMAL(38, 12))) AS value,
      CAST(count(*) AS INTEGER) AS cohorts
    FROM c WHERE c.mature = 1`);
  return {
    aov: numOrNull(totals?.aov),
    aovByMonth: months.map((r) => ({
      month: text(r.month),
      orders: num(r.orders),
      revenue: num(r.revenue),
      aov: numOrNull(r.aov),
    })),
    ordersPerBuyerH: numOrNull(perBuyer?.value),
    ordersPerBuyerHCohorts: num(perBuyer?.cohorts),
  };
}
