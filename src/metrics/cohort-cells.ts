import type { MetricRun } from "./query.ts";

/** SQL: the window's month lifetimes 0..P-1 (P = months the window touches), as `lifetime`. */
export function monthLifetimes(run: MetricRun): string {
  return `(SELECT CAST(row_number() OVER (ORDER BY m.month_start) - 1 AS INTEGER) AS lifetime
    FROM (SELECT DISTINCT c.month_start AS month_start FROM ${run.t.calendar} c) m)`;
}

/** SQL: the last month the window observes (the month of its last day), as `last_month`. */
export function lastMonth(run: MetricRun): string {
  return `(SELECT max(c.month_start) AS last_month FROM ${run.t.calendar} c)`;
}

/** SQL: window months whose lifetime H-1 is observed (mature cohort months), as `month_start`. */
export function matureMonths(run: MetricRun): string {
  return `(SELECT DISTINCT c.month_start AS month_start FROM ${run.t.calendar} c CROSS JOIN ${lastMonth(run)} x
    WHERE ${run.d.monthsBetween("c.month_start", "x.last_month")} >= CAST($horizon AS INTEGER) - 1)`;
}

/**
 * SQL subquery: the slice's buyer cohort (month of first order) x lifetime 0..P-1 rectangle, one row
 * per cell for cohorts with new buyers: size, observed (0/1: the cell's month is not after the window's
 * last month), orders, ordering buyers, revenue and cumulative revenue. The cube stores these per
 * acquisition combo; a slice sums its combos. Cumulative revenue runs over every lifetime; readers
 * blank it where the cell is unobserved.
 */
export function cohortCells(run: MetricRun): string {
  const { d, t } = run;
  return `(
    WITH sizes AS (
      SELECT b.cohort AS cohort, sum(b.buyers) AS size FROM ${t.buyerCohorts} b
      WHERE ${run.inCombos("b.r")} GROUP BY b.cohort),
    cells AS (
      SELECT c.cohort AS cohort, c.lifetime AS lifetime, sum(c.orders) AS orders, sum(c.revenue) AS revenue,
        sum(c.buyers) AS buyers
      FROM ${t.cells} c WHERE ${run.inCombos("c.r")} GROUP BY c.cohort, c.lifetime),
    grid AS (
      SELECT s.cohort AS cohort, s.size AS size, l.lifetime AS lifetime,
        CASE WHEN ${d.monthsBetween("s.cohort", "x.last_month")} >= l.lifetime THEN 1 ELSE 0 END AS observed
      FROM sizes s CROSS JOIN ${monthLifetimes(run)} l CROSS JOIN ${lastMonth(run)} x)
    SELECT g.cohort AS cohort, g.lifetime AS lifetime, g.size AS size, g.observed AS observed,
      CAST(coalesce(c.orders, 0) AS BIGINT) AS orders, CAST(coalesce(c.buyers, 0) AS BIGINT) AS buyers,
      coalesce(c.revenue, 0) AS revenue,
      sum(coalesce(c.revenue, 0)) OVER (PARTITION BY g.cohort ORDER BY g.lifetime
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum_revenue
    FROM grid g LEFT JOIN cells c ON c.cohort = g.cohort AND c.lifetime = g.lifetime)`;
}
