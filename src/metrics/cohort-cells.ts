import { bool, HORIZON, MARGIN, type MetricRun, num, numOrNull, text } from "./query.ts";

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
 * blank it where the cell is unobserved. The window's bounds come as parameters (`$last_month`,
 * `$lifetimes`: window-periods.ts), not from the calendar.
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
        CASE WHEN ${d.monthsBetween("s.cohort", "CAST($last_month AS DATE)")} >= l.lifetime THEN 1 ELSE 0 END AS observed
      FROM sizes s CROSS JOIN (SELECT CAST(i.i AS INTEGER) AS lifetime FROM ${d.integerSeries("$lifetimes")} i) l)
    SELECT g.cohort AS cohort, g.lifetime AS lifetime, g.size AS size, g.observed AS observed,
      CAST(coalesce(c.orders, 0) AS BIGINT) AS orders, CAST(coalesce(c.buyers, 0) AS BIGINT) AS buyers,
      coalesce(c.revenue, 0) AS revenue,
      sum(coalesce(c.revenue, 0)) OVER (PARTITION BY g.cohort ORDER BY g.lifetime
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum_revenue
    FROM grid g LEFT JOIN cells c ON c.cohort = g.cohort AND c.lifetime = g.lifetime)`;
}

/** One cell of the slice's buyer cohort x lifetime rectangle (cohortCells), as numbers. */
export interface CohortCell {
  /** YYYY-MM */
  cohort: string;
  lifetime: number;
  size: number;
  observed: boolean;
  orders: number;
  buyers: number;
  revenue: number;
  /** Revenue of lifetimes 0..lifetime (blank it where the cell is unobserved). */
  cumRevenue: number;
}

/**
 * The slice's cohort cells and the sums over them that the horizon decides, read in one statement and
 * shared by LTV, orders by cohort, ROMI by cohort and the headline figures. The sums stay in SQL, where
 * revenue is an exact DECIMAL and the per-cohort means are averaged as fixed-point decimals (the same
 * whatever order the engine adds in); JavaScript only divides what comes back.
 */
export interface SliceCohorts {
  /** In cohort, then lifetime order. */
  cells: CohortCell[];
  /** Observed cells at lifetime H-1 (the mature cohorts). */
  horizon: {
    /** Their cumulative revenue; null without a mature cohort. */
    revenue: number | null;
    /** Their buyers. */
    buyers: number;
    /** Plain mean over mature cohorts of margin x cumulative revenue / size (ltv_h_cohort_mean). */
    cohortMeanLtv: number | null;
  };
  /** Mean over mature cohorts of orders in lifetimes 0..H-1 per buyer, and how many cohorts. */
  ordersPerBuyer: { value: number | null; cohorts: number };
}

export async function readCohorts(run: MetricRun): Promise<SliceCohorts> {
  const { d } = run;
  const none = (columns: string[]) => columns.map((c) => `NULL AS ${c}`).join(", ");
  // The union is ordered from outside: ClickHouse binds a trailing ORDER BY to the union's last
  // SELECT only, so the cells would come in any order there.
  const rows = await run.all(`
    SELECT u.* FROM (
    WITH cc AS ${cohortCells(run)},
    per_cohort AS (
      SELECT cc.cohort AS cohort, max(cc.size) AS size,
        sum(CASE WHEN cc.lifetime < ${HORIZON} THEN cc.orders ELSE 0 END) AS orders,
        max(CASE WHEN cc.observed = 1 AND cc.lifetime = ${HORIZON} - 1 THEN 1 ELSE 0 END) AS mature
      FROM cc GROUP BY cc.cohort)
    SELECT 'cell' AS part, ${d.formatMonth("cc.cohort")} AS cohort, cc.lifetime AS lifetime,
      CAST(cc.size AS INTEGER) AS size, cc.observed AS observed, CAST(cc.orders AS INTEGER) AS orders,
      CAST(cc.buyers AS INTEGER) AS buyers, CAST(cc.revenue AS DOUBLE) AS revenue,
      CAST(cc.cum_revenue AS DOUBLE) AS cum_revenue, CAST(NULL AS DOUBLE) AS mean
    FROM cc
    UNION ALL
    SELECT 'horizon' AS part, ${none(["cohort", "lifetime"])}, CAST(coalesce(sum(cc.size), 0) AS INTEGER) AS size,
      ${none(["observed", "orders", "buyers", "revenue"])}, CAST(sum(cc.cum_revenue) AS DOUBLE) AS cum_revenue,
      -- averaged as fixed-point decimals: an exact sum, the same whatever order threads add in
      avg(CAST(${MARGIN} * CAST(cc.cum_revenue AS DOUBLE) / cc.size AS DECIMAL(38, 12))) AS mean
    FROM cc WHERE cc.observed = 1 AND cc.lifetime = ${HORIZON} - 1
    UNION ALL
    SELECT 'per_buyer' AS part, ${none(["cohort", "lifetime"])}, CAST(count(*) AS INTEGER) AS size,
      ${none(["observed", "orders", "buyers", "revenue", "cum_revenue"])},
      avg(CAST(CAST(c.orders AS DOUBLE) / c.size AS DECIMAL(38, 12))) AS mean
    FROM per_cohort c WHERE c.mature = 1) u
    ORDER BY u.part, u.cohort, u.lifetime`);
  const out: SliceCohorts = {
    cells: [],
    horizon: { revenue: null, buyers: 0, cohortMeanLtv: null },
    ordersPerBuyer: { value: null, cohorts: 0 },
  };
  for (const r of rows) {
    const part = text(r.part);
    if (part === "horizon") {
      out.horizon = {
        revenue: numOrNull(r.cum_revenue),
        buyers: num(r.size),
        cohortMeanLtv: numOrNull(r.mean),
      };
    } else if (part === "per_buyer") {
      out.ordersPerBuyer = { value: numOrNull(r.mean), cohorts: num(r.size) };
    } else {
      out.cells.push({
        cohort: text(r.cohort),
        lifetime: num(r.lifetime),
        size: num(r.size),
        observed: bool(r.observed),
        orders: num(r.orders),
        buyers: num(r.buyers),
        revenue: num(r.revenue),
        cumRevenue: num(r.cum_revenue),
      });
    }
  }
  return out;
}

/** New buyers of the slice: every cohort's size, once (its lifetime-0 cell). */
export function cohortBuyers(cohorts: SliceCohorts): number {
  return cohorts.cells.reduce((sum, c) => (c.lifetime === 0 ? sum + c.size : sum), 0);
}
