import { cohortBuyers, type SliceCohorts } from "./cohort-cells.ts";
import { naturalIdOrder } from "./id-order.ts";
import type { MetricRun } from "./query.ts";
import type { MarketingStats } from "./result.ts";
import { type SliceSpend, spendUpTo } from "./slice-spend.ts";
import type {
  Cac,
  CacByCohortRow,
  CostsBySourceMonthRow,
  PaybackByCohortRow,
  RomiByCohortRow,
} from "./tables.ts";

/** CAC from spend and (possibly fractional) buyers: `no_spend` without spend, `infinite` without buyers. */
export function cacOf(costs: number, buyers: number): Cac {
  if (costs === 0) return "no_spend";
  return buyers === 0 ? "infinite" : costs / buyers;
}

/** Smallest lifetime whose ROMI reaches 1 (break-even), or null ("not yet"). */
export function paybackLifetime(romi: { lifetime: number; romi: number | null }[]): number | null {
  const hit = romi.filter((r) => r.romi !== null && r.romi >= 1).map((r) => r.lifetime);
  return hit.length > 0 ? Math.min(...hit) : null;
}

/** SQL subquery: the slice's spend per (source, month) in the window, with the source id. */
export function sliceSpend(run: MetricRun): string {
  const { t } = run;
  return `(SELECT k.s AS s, s.source_id AS source_id, k.month_start AS month_start, k.costs AS costs
    FROM ${t.costs} k JOIN ${t.sources} s ON s.s = k.s WHERE ${run.inSources("k.s")})`;
}

export function costsBySourceMonth(spend: SliceSpend): CostsBySourceMonthRow[] {
  return spend.cells.map(({ source, month, costs }) => ({ source, month, costs }));
}

/** New buyers per buyer cohort (month of first order) of the slice. */
function cohortSizes(cohorts: SliceCohorts): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const c of cohorts.cells) sizes.set(c.cohort, c.size);
  return sizes;
}

/** Spend of month c / new buyers whose first order is in c, for every window month with spend or new buyers. */
export function cacByCohort(
  run: MetricRun,
  spend: SliceSpend,
  cohorts: SliceCohorts,
  months: string[],
): CacByCohortRow[] {
  const sizes = cohortSizes(cohorts);
  return months
    .filter((m) => spend.byMonth.has(m) || sizes.has(m))
    .map((cohort) => {
      const costs = spend.byMonth.get(cohort)?.costs ?? 0;
      const newBuyers = sizes.get(cohort) ?? 0;
      return { cohort, costs, new_buyers: newBuyers, cac: withheldCac(run, cacOf(costs, newBuyers)) };
    });
}

/** ROMI(c, k) = margin x cumulative revenue(c, k) / spend(c); null unobserved, without spend or withheld. */
export function romiByCohort(run: MetricRun, cohorts: SliceCohorts, spend: SliceSpend): RomiByCohortRow[] {
  const { margin } = run.options;
  return cohorts.cells.map((c) => {
    const costs = spend.byMonth.get(c.cohort)?.costs;
    const romi = c.observed && costs !== undefined && costs !== 0 ? (margin * c.cumRevenue) / costs : null;
    return { cohort: c.cohort, lifetime: c.lifetime, romi: run.scope.withheld ? null : romi };
  });
}

export function paybackByCohort(romi: RomiByCohortRow[]): PaybackByCohortRow[] {
  const byCohort = new Map<string, RomiByCohortRow[]>();
  for (const row of romi) byCohort.set(row.cohort, [...(byCohort.get(row.cohort) ?? []), row]);
  return [...byCohort].map(([cohort, rows]) => ({ cohort, payback_lifetime: paybackLifetime(rows) }));
}

/** Under a device filter spend cannot be set against the device's buyers: CAC is not applicable. */
export function withheldCac(run: MetricRun, cac: Cac): Cac {
  return run.scope.withheld ? "not_applicable" : cac;
}

export type MarketingTotals = Pick<
  MarketingStats,
  "spendBySource" | "spendByMonth" | "cac" | "romiH" | "withheld"
>;

/** Spend shares, the headline CAC (all spend / all new buyers) and romi_h over the mature cohorts. */
export function marketingTotals(
  run: MetricRun,
  spend: SliceSpend,
  cohorts: SliceCohorts,
  months: string[],
  matureMonths: string[],
): MarketingTotals {
  const { total } = spend;
  const share = (costs: number) => (total === null || total === 0 ? null : costs / total);
  const buyers = cohortBuyers(cohorts);
  const spendH = spendUpTo(spend.byMonth, months, matureMonths.length - 1);
  const romiH =
    spendH === null || spendH === 0 ? null : (run.options.margin * (cohorts.horizon.revenue ?? 0)) / spendH;
  return {
    spendBySource: [...spend.sourceTotals]
      .map(([source, costs]) => ({ source, costs, share: share(costs) }))
      .sort((a, b) => naturalIdOrder(a.source, b.source)),
    spendByMonth: months.map((month) => {
      const costs = spend.byMonth.get(month)?.costs ?? 0;
      return { month, costs, share: share(costs) };
    }),
    cac: withheldCac(run, cacOf(total ?? 0, buyers)),
    romiH: run.scope.withheld ? null : romiH,
    withheld: run.scope.withheld,
  };
}
