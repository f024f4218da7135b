/** LTV(c, k), ltv_h and ltv_h_cohort_mean (spec "LTV"). */
import type { LtvRow } from "../../src/metrics/tables.ts";
import { buyerCohorts, type Context, isMature, monthLifetimeObserved, revenueThrough } from "./context.ts";
import { mean, microToNumber } from "./numbers.ts";

/**
 * One row per buyer cohort and lifetime 0..M-1 (M = months touching the window); unobserved cells
 * (month c+k starting on or after `to`) have revenue and ltv null.
 */
export function ltvRows(ctx: Context): LtvRow[] {
  const rows: LtvRow[] = [];
  const margin = ctx.options.margin;
  for (const [cohort, buyers] of buyerCohorts(ctx)) {
    for (let k = 0; k < ctx.windowMonths.length; k++) {
      if (!monthLifetimeObserved(ctx, cohort, k)) {
        rows.push({ cohort, lifetime: k, cohort_size: buyers.length, revenue: null, ltv: null });
        continue;
      }
      let cum = 0n;
      for (const b of buyers) cum += revenueThrough(b, k);
      const revenue = microToNumber(cum);
      rows.push({
        cohort,
        lifetime: k,
        cohort_size: buyers.length,
        revenue,
        ltv: (margin * revenue) / buyers.length,
      });
    }
  }
  return rows;
}

/** margin x revenue in lifetimes 0..H-1 of the buyers of mature cohorts / number of those buyers. */
export function ltvH(ctx: Context): number | null {
  const h = ctx.options.horizon;
  let revenue = 0n;
  let buyers = 0;
  for (const [cohort, list] of buyerCohorts(ctx)) {
    if (!isMature(ctx, cohort)) continue;
    for (const b of list) revenue += revenueThrough(b, h - 1);
    buyers += list.length;
  }
  return buyers === 0 ? null : (ctx.options.margin * microToNumber(revenue)) / buyers;
}

/** Plain mean of LTV(c, H-1) over mature cohorts. */
export function ltvHCohortMean(ctx: Context): number | null {
  const h = ctx.options.horizon;
  const values: number[] = [];
  for (const [cohort, list] of buyerCohorts(ctx)) {
    if (!isMature(ctx, cohort)) continue;
    let revenue = 0n;
    for (const b of list) revenue += revenueThrough(b, h - 1);
    values.push((ctx.options.margin * microToNumber(revenue)) / list.length);
  }
  return mean(values);
}
