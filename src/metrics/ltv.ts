import { lastMonth } from "./foundation-orders.ts";
import { HORIZON, MARGIN, type MetricRun, num, numOrNull, text } from "./query.ts";
import type { LtvStats } from "./result.ts";
import type { LtvRow } from "./tables.ts";
import { T } from "./temp-tables.ts";

/** LTV(c, k) = margin x cumulative revenue of buyer cohort c through lifetime k / size(c); null unobserved. */
export async function ltvMatrix(run: MetricRun): Promise<LtvRow[]> {
  const { d } = run;
  const rows = await run.all(`
    SELECT ${d.formatMonth("cohort")} AS cohort, lifetime, CAST(size AS INTEGER) AS cohort_size,
      CASE WHEN observed THEN CAST(cum_revenue AS DOUBLE) END AS revenue,
      CASE WHEN observed THEN ${MARGIN} * CAST(cum_revenue AS DOUBLE) / size END AS ltv
    FROM ${T.cohortCells} ORDER BY cohort, lifetime`);
  return rows.map((r) => ({
    cohort: text(r.cohort),
    lifetime: num(r.lifetime),
    cohort_size: num(r.cohort_size),
    revenue: numOrNull(r.revenue),
    ltv: numOrNull(r.ltv),
  }));
}

/** SQL: window months whose lifetime H-1 is observed (mature cohort months), as `month_start`. */
export function matureMonths(run: MetricRun): string {
  return `(SELECT DISTINCT c.month_start FROM ${T.calendar} c CROSS JOIN ${lastMonth()} x
    WHERE ${run.d.monthsBetween("c.month_start", "x.last_month")} >= ${HORIZON} - 1)`;
}

/**
 * ltv_h weighs every buyer of the mature cohorts the same; ltv_h_cohort_mean is the plain mean of
 * LTV(c, H-1) over mature cohorts (with buyers), as notebooks usually compute it.
 */
export async function ltvStats(run: MetricRun): Promise<LtvStats> {
  const { d } = run;
  const [row] = await run.all(`
    SELECT ${MARGIN} * CAST(sum(cum_revenue) AS DOUBLE) / sum(size) AS ltv_h,
      -- averaged as fixed-point decimals: an exact sum, the same whatever order threads add in
      avg(CAST(${MARGIN} * CAST(cum_revenue AS DOUBLE) / size AS DECIMAL(38, 12))) AS cohort_mean,
      CAST(coalesce(sum(size), 0) AS INTEGER) AS buyers
    FROM ${T.cohortCells} WHERE observed AND lifetime = ${HORIZON} - 1`);
  const months = await run.all(`SELECT ${d.formatMonth("month_start")} AS month FROM ${matureMonths(run)} m
    ORDER BY month_start`);
  return {
    horizon: run.options.horizon,
    ltvH: numOrNull(row?.ltv_h),
    ltvHCohortMean: numOrNull(row?.cohort_mean),
    matureCohorts: months.map((r) => text(r.month)),
    matureBuyers: num(row?.buyers),
  };
}
