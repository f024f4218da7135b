import { matureMonths } from "./ltv.ts";
import { compareIds, HORIZON, MARGIN, type MetricRun, num, numOrNull, text } from "./query.ts";
import type { MarketingStats } from "./result.ts";
import type {
  Cac,
  CacByCohortRow,
  CostsBySourceMonthRow,
  PaybackByCohortRow,
  RomiByCohortRow,
} from "./tables.ts";
import { T } from "./temp-tables.ts";

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

export async function costsBySourceMonth(run: MetricRun): Promise<CostsBySourceMonthRow[]> {
  const rows = await run.all(`SELECT source_id AS source, ${run.d.formatMonth("month_start")} AS month,
      CAST(costs AS DOUBLE) AS costs FROM ${T.costs} ORDER BY month_start`);
  const out = rows.map((r) => ({ source: text(r.source), month: text(r.month), costs: num(r.costs) }));
  return out.sort(
    (a, b) => compareIds(a.source, b.source) || (a.month < b.month ? -1 : a.month > b.month ? 1 : 0),
  );
}

/** Spend of month c / buyers whose first order is in c, for every month of the window. */
export async function cacByCohort(run: MetricRun): Promise<CacByCohortRow[]> {
  const rows = await run.all(`
    WITH spend AS (SELECT month_start, sum(costs) AS costs FROM ${T.costs} GROUP BY 1),
    nb AS (SELECT cohort, count(*) AS n FROM ${T.buyers} GROUP BY 1)
    SELECT ${run.d.formatMonth("m.month_start")} AS cohort, CAST(coalesce(spend.costs, 0) AS DOUBLE) AS costs,
      CAST(coalesce(nb.n, 0) AS INTEGER) AS new_buyers
    FROM (SELECT DISTINCT month_start FROM ${T.calendar}) m
    LEFT JOIN spend ON spend.month_start = m.month_start LEFT JOIN nb ON nb.cohort = m.month_start
    ORDER BY m.month_start`);
  return rows.map((r) => {
    const costs = num(r.costs);
    const newBuyers = num(r.new_buyers);
    return { cohort: text(r.cohort), costs, new_buyers: newBuyers, cac: cacOf(costs, newBuyers) };
  });
}

/** ROMI(c, k) = margin x cumulative revenue(c, k) / spend(c); null unobserved or without spend. */
export async function romiByCohort(run: MetricRun): Promise<RomiByCohortRow[]> {
  const rows = await run.all(`
    WITH spend AS (SELECT month_start, sum(costs) AS costs FROM ${T.costs} GROUP BY 1)
    SELECT ${run.d.formatMonth("c.cohort")} AS cohort, c.lifetime,
      CASE WHEN c.observed AND spend.costs <> 0
        THEN ${MARGIN} * CAST(c.cum_revenue AS DOUBLE) / CAST(spend.costs AS DOUBLE) END AS romi
    FROM ${T.cohortCells} c LEFT JOIN spend ON spend.month_start = c.cohort
    ORDER BY c.cohort, c.lifetime`);
  return rows.map((r) => ({ cohort: text(r.cohort), lifetime: num(r.lifetime), romi: numOrNull(r.romi) }));
}

export function paybackByCohort(romi: RomiByCohortRow[]): PaybackByCohortRow[] {
  const byCohort = new Map<string, RomiByCohortRow[]>();
  for (const row of romi) byCohort.set(row.cohort, [...(byCohort.get(row.cohort) ?? []), row]);
  return [...byCohort].map(([cohort, rows]) => ({ cohort, payback_lifetime: paybackLifetime(rows) }));
}

export type MarketingTotals = Pick<MarketingStats, "spendBySource" | "spendByMonth" | "cac" | "romiH">;

/** Spend shares, the headline CAC (all spend / all buyers) and romi_h over the mature cohorts. */
export async function marketingTotals(run: MetricRun): Promise<MarketingTotals> {
  const { d } = run;
  const shares = await run.all(`
    WITH total AS (SELECT sum(costs) AS t FROM ${T.costs})
    SELECT 'source' AS dim, source_id AS key, CAST(sum(costs) AS DOUBLE) AS costs,
      ${d.safeDivide("sum(costs)", "any_value(total.t)")} AS share
    FROM ${T.costs} CROSS JOIN total GROUP BY source_id
    UNION ALL
    SELECT 'month', ${d.formatMonth("m.month_start")}, CAST(coalesce(sum(c.costs), 0) AS DOUBLE),
      ${d.safeDivide("coalesce(sum(c.costs), 0)", "any_value(total.t)")}
    FROM (SELECT DISTINCT month_start FROM ${T.calendar}) m CROSS JOIN total
    LEFT JOIN ${T.costs} c ON c.month_start = m.month_start GROUP BY m.month_start
    ORDER BY 1, 2`);
  const [totals] = await run.all(`
    WITH x AS (
      SELECT (SELECT sum(costs) FROM ${T.costs}) AS costs, (SELECT count(*) FROM ${T.buyers}) AS buyers,
        (SELECT sum(cum_revenue) FROM ${T.cohortCells} WHERE observed AND lifetime = ${HORIZON} - 1) AS revenue_h,
        (SELECT sum(costs) FROM ${T.costs} WHERE month_start IN (SELECT month_start FROM ${matureMonths(run)} m))
          AS spend_h)
    SELECT CAST(coalesce(costs, 0) AS DOUBLE) AS costs, CAST(buyers AS INTEGER) AS buyers,
      CASE WHEN spend_h <> 0 THEN ${MARGIN} * CAST(coalesce(revenue_h, 0) AS DOUBLE) / CAST(spend_h AS DOUBLE)
      END AS romi_h
    FROM x`);
  const pick = (dim: string) => shares.filter((r) => r.dim === dim);
  return {
    spendBySource: pick("source")
      .map((r) => ({ source: text(r.key), costs: num(r.costs), share: numOrNull(r.share) }))
      .sort((a, b) => compareIds(a.source, b.source)),
    spendByMonth: pick("month").map((r) => ({
      month: text(r.key),
      costs: num(r.costs),
      share: numOrNull(r.share),
    })),
    cac: cacOf(num(totals?.costs), num(totals?.buyers)),
    romiH: numOrNull(totals?.romi_h),
  };
}
