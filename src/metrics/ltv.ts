import type { SliceCohorts } from "./cohort-cells.ts";
import type { AnalysisOptions } from "./options.ts";
import type { LtvStats } from "./result.ts";
import type { LtvRow } from "./tables.ts";

/** LTV(c, k) = margin x cumulative revenue of buyer cohort c through lifetime k / size(c); null unobserved. */
export function ltvMatrix(cohorts: SliceCohorts, margin: number): LtvRow[] {
  return cohorts.cells.map((c) => ({
    cohort: c.cohort,
    lifetime: c.lifetime,
    cohort_size: c.size,
    revenue: c.observed ? c.cumRevenue : null,
    ltv: c.observed ? (margin * c.cumRevenue) / c.size : null,
  }));
}

/**
 * ltv_h weighs every buyer of the mature cohorts the same; ltv_h_cohort_mean is the plain mean of
 * LTV(c, H-1) over mature cohorts (with buyers), as notebooks usually compute it.
 */
export function ltvStats(
  cohorts: SliceCohorts,
  options: Pick<AnalysisOptions, "horizon" | "margin">,
  matureMonths: string[],
): LtvStats {
  const { revenue, buyers, cohortMeanLtv } = cohorts.horizon;
  return {
    horizon: options.horizon,
    ltvH: revenue === null ? null : (options.margin * revenue) / buyers,
    ltvHCohortMean: cohortMeanLtv,
    matureCohorts: matureMonths,
    matureBuyers: buyers,
  };
}
