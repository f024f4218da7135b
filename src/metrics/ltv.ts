import { cohortCells, matureMonths } from "./cohort-cells.ts";
import { HORIZON, MARGIN, type MetricRun, num, numOrNull, text } from "./query.ts";
import type { LtvStats } from "./result.ts";
import type { LtvRow } from "./tables.ts";

/** LTV(c, k) = margin x cumulative revenue of buyer cohort c through lifetime k / size(c); null unobserved. */
export async function ltvMatrix(run: MetricRun): Promise<LtvRow[]> {
  const { d } = run;
  const rows = await run.all(`
    SELECT ${d.formatMonth("cc.cohort")} AS cohort, cc.lifetime AS lifetime, CAST(cc.size AS INTEGER) AS cohort_size,
      CASE WHEN cc.observed = 1 THEN CAST(cc.cum_revenue AS DOUBLE) END AS revenue,
      CASE WHEN cc.observed = 1 THEN ${MARGIN} * CAST(cc.cum_revenue AS DOUBLE) / cc.size END AS ltv
    FROM ${cohortCells(run)} cc ORDER BY cc.cohort, cc.lifetime`);
  return rows.map((r) => ({
    cohort: text(r.cohort),
    lifetime: num(r.lifetime),
    cohort_size: num(r.cohort_size),
    revenue: numOrNull(r.revenue),
    ltv: numOrNull(r.ltv),
  }));
}

/**
 * ltv_h weighs every buyer of the mature cohorts the same; ltv_h_cohort_mean is the plain mean of
 * LTV(c, H-1) over mature cohorts (with buyers), as notebooks usually compute it.
 */
export async function ltvStats(run: MetricRun): Promise<LtvStats> {
  const { d } = run;
  const [row] = await run.all(`
    SELECT ${MARGIN} * CAST(sum(cc.cum_revenue) AS DOUBLE) / sum(cc.size) AS ltv_h,
      -- averaged as fixed-point decimals: an exact sum, the same whatever order threads add in
      avg(CAST(${MARGIN} * CAST(cc.cum_revenue AS DOUBLE) / cc.size AS DECIMAL(38, 12))) AS cohort_mean,
      CAST(coalesce(sum(cc.size), 0) AS INTEGER) AS buyers
    FROM ${cohortCells(run)} cc WHERE cc.observed = 1 AND cc.lifetime = ${HORIZON} - 1`);
  const months = await run.all(`SELECT ${d.formatMonth("m.month_start")} AS month FROM ${matureMonths(run)} m
    ORDER BY m.month_start`);
  return {
    horizon: run.options.horizon,
    ltvH: numOrNull(row?.ltv_h),
    ltvHCohortMean: numOrNull(row?.cohort_mean),
    matureCohorts: months.map((r) => text(r.month)),
    matureBuyers: num(row?.buyers),
  };
}
