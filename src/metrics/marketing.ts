import { cohortCells, matureMonths } from "./cohort-cells.ts";
import { naturalIdOrder } from "./id-order.ts";
import { HORIZON, MARGIN, type MetricRun, num, numOrNull, text } from "./query.ts";
import type { MarketingStats } from "./result.ts";
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

export async function costsBySourceMonth(run: MetricRun): Promise<CostsBySourceMonthRow[]> {
  const rows = await run.all(`SELECT k.source_id AS source, ${run.d.formatMonth("k.month_start")} AS month,
      CAST(k.costs AS DOUBLE) AS costs FROM ${sliceSpend(run)} k ORDER BY k.month_start`);
  const out = rows.map((r) => ({ source: text(r.source), month: text(r.month), costs: num(r.costs) }));
  return out.sort(
    (a, b) => naturalIdOrder(a.source, b.source) || (a.month < b.month ? -1 : a.month > b.month ? 1 : 0),
  );
}

/** Spend of month c / new buyers whose first order is in c, for every window month with spend or new buyers. */
export async function cacByCohort(run: MetricRun): Promise<CacByCohortRow[]> {
  const { t } = run;
  const rows = await run.all(`
    WITH spend AS (SELECT k.month_start AS month_start, sum(k.costs) AS costs FROM ${sliceSpend(run)} k
      GROUP BY k.month_start),
    nb AS (SELECT b.cohort AS cohort, sum(b.buyers) AS n FROM ${t.buyerCohorts} b WHERE ${run.inCombos("b.r")}
      GROUP BY b.cohort)
    SELECT ${run.d.formatMonth("m.month_start")} AS cohort, CAST(coalesce(spend.costs, 0) AS DOUBLE) AS costs,
      CAST(coalesce(nb.n, 0) AS INTEGER) AS new_buyers
    FROM (SELECT DISTINCT c.month_start AS month_start FROM ${t.calendar} c) m
    LEFT JOIN spend ON spend.month_start = m.month_start LEFT JOIN nb ON nb.cohort = m.month_start
    WHERE spend.costs IS NOT NULL OR nb.n IS NOT NULL
    ORDER BY m.month_start`);
  return rows.map((r) => {
    const costs = num(r.costs);
    const newBuyers = num(r.new_buyers);
    return {
      cohort: text(r.cohort),
      costs,
      new_buyers: newBuyers,
      cac: withheldCac(run, cacOf(costs, newBuyers)),
    };
  });
}

/** ROMI(c, k) = margin x cumulative revenue(c, k) / spend(c); null unobserved, without spend or withheld. */
export async function romiByCohort(run: MetricRun): Promise<RomiByCohortRow[]> {
  const rows = await run.all(`
    WITH spend AS (SELECT k.month_start AS month_start, sum(k.costs) AS costs FROM ${sliceSpend(run)} k
      GROUP BY k.month_start)
    SELECT ${run.d.formatMonth("c.cohort")} AS cohort, c.lifetime AS lifetime,
      CASE WHEN c.observed = 1 AND spend.costs <> 0
        THEN ${MARGIN} * CAST(c.cum_revenue AS DOUBLE) / CAST(spend.costs AS DOUBLE) END AS romi
    FROM ${cohortCells(run)} c LEFT JOIN spend ON spend.month_start = c.cohort
    ORDER BY c.cohort, c.lifetime`);
  return rows.map((r) => ({
    cohort: text(r.cohort),
    lifetime: num(r.lifetime),
    romi: run.scope.withheld ? null : numOrNull(r.romi),
  }));
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
export async function marketingTotals(run: MetricRun): Promise<MarketingTotals> {
  const { d, t } = run;
  const shares = await run.all(`
    WITH k AS ${sliceSpend(run)},
    total AS (SELECT sum(k.costs) AS t FROM k)
    SELECT 'source' AS dim, k.source_id AS key, CAST(sum(k.costs) AS DOUBLE) AS costs,
      ${d.safeDivide("sum(k.costs)", "max(total.t)")} AS share
    FROM k CROSS JOIN total GROUP BY k.source_id
    UNION ALL
    SELECT 'month' AS dim, ${d.formatMonth("m.month_start")} AS key, CAST(coalesce(sum(k.costs), 0) AS DOUBLE) AS costs,
      ${d.safeDivide("coalesce(sum(k.costs), 0)", "max(total.t)")} AS share
    FROM (SELECT DISTINCT c.month_start AS month_start FROM ${t.calendar} c) m CROSS JOIN total
    LEFT JOIN k ON k.month_start = m.month_start GROUP BY m.month_start
    ORDER BY 1, 2`);
  const [totals] = await run.all(`
    WITH k AS ${sliceSpend(run)}
    SELECT CAST(coalesce((SELECT sum(k.costs) AS v FROM k), 0) AS DOUBLE) AS costs,
      CAST((SELECT coalesce(sum(b.buyers), 0) AS v FROM ${t.buyerCohorts} b WHERE ${run.inCombos("b.r")}) AS INTEGER)
        AS buyers,
      CAST((SELECT sum(cc.cum_revenue) AS v FROM ${cohortCells(run)} cc WHERE cc.observed = 1
        AND cc.lifetime = ${HORIZON} - 1) AS DOUBLE) AS revenue_h,
      CAST((SELECT sum(k.costs) AS v FROM k WHERE k.month_start IN (SELECT m.month_start AS v FROM ${matureMonths(run)} m))
        AS DOUBLE) AS spend_h`);
  const spendH = numOrNull(totals?.spend_h);
  const romiH =
    spendH === null || spendH === 0
      ? null
      : (run.options.margin * (numOrNull(totals?.revenue_h) ?? 0)) / spendH;
  const pick = (dim: string) => shares.filter((r) => r.dim === dim);
  return {
    spendBySource: pick("source")
      .map((r) => ({ source: text(r.key), costs: num(r.costs), share: numOrNull(r.share) }))
      .sort((a, b) => naturalIdOrder(a.source, b.source)),
    spendByMonth: pick("month").map((r) => ({
      month: text(r.key),
      costs: num(r.costs),
      share: numOrNull(r.share),
    })),
    cac: withheldCac(run, cacOf(num(totals?.costs), num(totals?.buyers))),
    romiH: run.scope.withheld ? null : romiH,
    withheld: run.scope.withheld,
  };
}
