import { UNATTRIBUTED } from "./attribution.ts";
import { matureMonths } from "./cohort-cells.ts";
import { sourceRowOrder } from "./id-order.ts";
import { sliceSpend } from "./marketing.ts";
import { HORIZON, type MetricRun, numOrNull, text } from "./query.ts";
import type { CohortConcentration, ConcentrationStats, SourceConcentration } from "./result.ts";

/*
 * How much of a number rests on a few customers. Per source (the run's attribution model, mature
 * cohorts, revenue in lifetimes 0..H−1, as ltv_h and romi_h): the top buyer's and the top 1 %'s share
 * of the revenue, ROMI without the top buyer, and the robust LTV / ROMI with every order capped at
 * the data's 99.9th percentile of order value (cube-data.ts). Per buyer cohort (all sources, revenue
 * in lifetimes 0..H−1 observed so far): the top buyer's share. Reads the window's per-buyer lifetimes.
 */

/** The top share of buyers whose revenue share is reported beside the top buyer's. */
export const TOP_SHARE = 0.01;

export async function concentrationStats(run: MetricRun): Promise<ConcentrationStats> {
  return { bySource: await bySource(run), byCohort: await byCohort(run) };
}

/** SQL: attributed horizon revenue per (source key, buyer) of the slice's mature cohorts. */
function buyerRevenue(run: MetricRun): string {
  const { t } = run;
  // Each row rounded to 1e-12 as a DECIMAL, as the cube does: sums then do not depend on thread order.
  const share = (x: string) => `sum(CAST(CAST(${x} AS DOUBLE) / a.d AS DECIMAL(38, 12)))`;
  return `(SELECT coalesce(a.key, '') AS k, l.uk AS uk, ${share("l.revenue * a.n")} AS revenue,
      ${share("l.capped_revenue * a.n")} AS capped, ${share("a.n")} AS w
    FROM ${t.lifetimes} l JOIN ${t.attr} a ON a.uk = l.uk AND a.model = $model AND a.dim = 'source'
    WHERE ${run.inCombos("l.r")} AND l.lifetime < ${HORIZON}
      AND l.cohort IN (SELECT m.month_start AS month_start FROM ${matureMonths(run)} m)
    GROUP BY coalesce(a.key, ''), l.uk)`;
}

async function bySource(run: MetricRun): Promise<SourceConcentration[]> {
  const { t } = run;
  // Buyers of mature cohorts with their attributed weight (buyers who ordered only in lifetime 0 too).
  const rows = await run.all(`
    WITH br AS ${buyerRevenue(run)},
    ranked AS (SELECT br.k AS k, br.revenue AS revenue, br.capped AS capped,
        row_number() OVER (PARTITION BY br.k ORDER BY br.revenue DESC, br.uk) AS pos,
        count(*) OVER (PARTITION BY br.k) AS n
      FROM br),
    buyers AS (SELECT coalesce(a.key, '') AS k, sum(CAST(CAST(a.n AS DOUBLE) / a.d AS DECIMAL(38, 12))) AS buyers
      FROM ${t.newBuyers} nb JOIN ${t.attr} a ON a.uk = nb.uk AND a.model = $model AND a.dim = 'source'
      WHERE ${run.inCombos("nb.r")} AND nb.cohort IN (SELECT m.month_start AS month_start FROM ${matureMonths(run)} m)
      GROUP BY coalesce(a.key, '')),
    spend AS (SELECT s.source_id AS k, sum(s.costs) AS costs FROM ${sliceSpend(run)} s
      WHERE s.month_start IN (SELECT m.month_start AS month_start FROM ${matureMonths(run)} m) GROUP BY s.source_id),
    agg AS (SELECT ranked.k AS k, sum(ranked.revenue) AS revenue, sum(ranked.capped) AS capped,
        max(CASE WHEN ranked.pos = 1 THEN ranked.revenue END) AS top,
        sum(CASE WHEN ranked.pos <= ${ceilOf("ranked.n")} THEN ranked.revenue ELSE 0 END) AS top_share_revenue
      FROM ranked GROUP BY ranked.k)
    SELECT b.k AS k, CAST(b.buyers AS DOUBLE) AS buyers, CAST(agg.revenue AS DOUBLE) AS revenue,
      CAST(agg.capped AS DOUBLE) AS capped, CAST(agg.top AS DOUBLE) AS top,
      CAST(agg.top_share_revenue AS DOUBLE) AS top_share_revenue, CAST(sp.costs AS DOUBLE) AS costs
    FROM buyers b LEFT JOIN agg ON agg.k = b.k LEFT JOIN spend sp ON sp.k = b.k`);
  const margin = run.options.margin;
  const withheld = run.scope.withheld !== null;
  const out = rows.map((r) => {
    const buyers = numOrNull(r.buyers) ?? 0;
    const revenue = numOrNull(r.revenue) ?? 0;
    const capped = numOrNull(r.capped) ?? 0;
    const top = numOrNull(r.top) ?? 0;
    const costs = withheld ? null : numOrNull(r.costs);
    const per = (v: number, den: number | null) => (den !== null && den > 0 ? (margin * v) / den : null);
    return {
      source: text(r.k) === "" ? UNATTRIBUTED : text(r.k),
      revenue: margin * revenue,
      topBuyerShare: revenue > 0 ? top / revenue : null,
      topPercentShare: revenue > 0 ? (numOrNull(r.top_share_revenue) ?? 0) / revenue : null,
      ltvHRobust: per(capped, buyers),
      romiHRobust: per(capped, costs),
      romiHWithoutTopBuyer: per(revenue - top, costs),
    };
  });
  return out.sort((a, b) => sourceRowOrder(a.source, b.source));
}

async function byCohort(run: MetricRun): Promise<CohortConcentration[]> {
  const { t, d } = run;
  const rows = await run.all(`
    WITH br AS (SELECT l.cohort AS cohort, l.uk AS uk, sum(l.revenue) AS revenue FROM ${t.lifetimes} l
      WHERE ${run.inCombos("l.r")} AND l.lifetime < ${HORIZON} GROUP BY l.cohort, l.uk),
    ranked AS (SELECT br.cohort AS cohort, br.revenue AS revenue,
      row_number() OVER (PARTITION BY br.cohort ORDER BY br.revenue DESC, br.uk) AS pos FROM br)
    SELECT ${d.formatMonth("ranked.cohort")} AS cohort, CAST(sum(ranked.revenue) AS DOUBLE) AS revenue,
      CAST(max(CASE WHEN ranked.pos = 1 THEN ranked.revenue END) AS DOUBLE) AS top
    FROM ranked GROUP BY ranked.cohort ORDER BY ranked.cohort`);
  return rows.map((r) => {
    const revenue = numOrNull(r.revenue) ?? 0;
    return { cohort: text(r.cohort), topBuyerShare: revenue > 0 ? (numOrNull(r.top) ?? 0) / revenue : null };
  });
}

/** SQL: ceil(TOP_SHARE · n) for a positive integer n, without an engine's ceil spelling. */
function ceilOf(n: string): string {
  const per = Math.round(1 / TOP_SHARE);
  return `CAST((${n} + ${per - 1} - (${n} + ${per - 1}) % ${per}) / ${per} AS INTEGER)`;
}
