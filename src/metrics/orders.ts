import { HORIZON, type MetricRun, num, numOrNull, text } from "./query.ts";
import type { OrderStats } from "./result.ts";
import type { OrdersByCohortRow } from "./tables.ts";
import { T } from "./temp-tables.ts";

/**
 * Orders, revenue, ordering buyers and AOV per buyer cohort x lifetime month, for observed cells only
 * (an unobserved cell has no count to report; ltv.csv carries the unobserved ones as empty).
 */
export async function ordersByCohort(run: MetricRun): Promise<OrdersByCohortRow[]> {
  const { d } = run;
  const rows = await run.all(`
    SELECT ${d.formatMonth("cohort")} AS cohort, lifetime, CAST(orders AS INTEGER) AS orders,
      CAST(revenue AS DOUBLE) AS revenue, CAST(buyers AS INTEGER) AS buyers, ${d.safeDivide("revenue", "orders")} AS aov
    FROM ${T.cohortCells} WHERE observed ORDER BY cohort, lifetime`);
  return rows.map((r) => ({
    cohort: text(r.cohort),
    lifetime: num(r.lifetime),
    orders: num(r.orders),
    revenue: num(r.revenue),
    buyers: num(r.buyers),
    aov: numOrNull(r.aov),
  }));
}

/** AOV overall and per calendar month; orders per buyer within H over mature cohorts. */
export async function orderStats(run: MetricRun): Promise<OrderStats> {
  const { d } = run;
  const months = await run.all(`
    WITH m AS (SELECT month_start, sum(orders) AS orders, sum(revenue) AS revenue FROM ${T.buyerMonths} GROUP BY 1)
    SELECT ${d.formatMonth("c.month_start")} AS month, CAST(coalesce(m.orders, 0) AS INTEGER) AS orders,
      CAST(coalesce(m.revenue, 0) AS DOUBLE) AS revenue, ${d.safeDivide("m.revenue", "m.orders")} AS aov
    FROM (SELECT DISTINCT month_start FROM ${T.calendar}) c LEFT JOIN m ON m.month_start = c.month_start
    ORDER BY c.month_start`);
  const [totals] = await run.all(`
    SELECT ${d.safeDivide("sum(revenue)", "sum(orders)")} AS aov FROM ${T.buyerMonths}`);
  // A cohort is mature when its cell H-1 is observed; cohorts without buyers have no cells.
  const [perBuyer] = await run.all(`
    WITH c AS (
      SELECT cohort, any_value(size) AS size, sum(orders) FILTER (WHERE lifetime < ${HORIZON}) AS orders,
        bool_or(observed AND lifetime = ${HORIZON} - 1) AS mature
      FROM ${T.cohortCells} GROUP BY cohort)
    SELECT avg(CAST(CAST(orders AS DOUBLE) / size AS DECIMAL(38, 12))) AS value, CAST(count(*) AS INTEGER) AS cohorts
    FROM c WHERE mature`);
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
