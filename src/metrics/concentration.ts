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
 * in lifetimes 0..H−1 observed so far): the top buyer's share. Reads the window's per-buyer tables
 * (cube-window.ts: attributed revenue per buyer and lifetime, and the buyers' lifetimes), never visits.
 */

/** The top share of buyers whose revenue share is reported beside the top buyer's. */
export const TOP_SHARE = 0.01;

/**
 * `byCohort` of the same slice under another model may be passed in: it reads all sources' revenue
 * and does not depend on the model.
 */
export async function concentrationStats(
  run: MetricRun,
  byCohortShared?: CohortConcentration[],
): Promise<ConcentrationStats> {
  return { bySource: await bySource(run), byCohort: byCohortShared ?? (await byCohort(run)) };
}

/** SQL: the slice's mature cohort months. */
const IN_MATURE = (run: MetricRun, col: string) =>
  `${col} IN (SELECT m.month_start AS month_start FROM ${matureMonths(run)} m)`;

async function bySource(run: MetricRun): Promise<SourceConcentration[]> {
  const { t } = run;
  // Per (source key, buyer) of the mature cohorts: horizon revenue, raw and capped, and the buyer's
  // attributed weight: the buyer's row of the last lifetime below H it ordered in (cube-window.ts).
  const rows = await run.all(`
    WITH br AS (SELECT coalesce(b.key, '') AS k, b.uk AS uk, b.revenue AS revenue, b.capped AS capped, b.w AS w
      FROM ${t.buyerRevenue} b
      WHERE b.model = $model AND ${run.inCombos("b.r")} AND b.lifetime < ${HORIZON}
        AND (b.next_lifetime = b.lifetime OR b.next_lifetime >= ${HORIZON}) AND ${IN_MATURE(run, "b.cohort")}),
    ranked AS (SELECT br.k AS k, br.revenue AS revenue, br.capped AS capped, br.w AS w,
        row_number() OVER (PARTITION BY br.k ORDER BY br.revenue DESC, br.uk) AS pos,
        count(*) OVER (PARTITION BY br.k) AS n
      FROM br),
    spend AS (SELECT s.source_id AS k, sum(s.costs) AS costs FROM ${sliceSpend(run)} s
      WHERE ${IN_MATURE(run, "s.month_start")} GROUP BY s.source_id),
    agg AS (SELECT ranked.k AS k, sum(ranked.w) AS buyers, sum(ranked.revenue) AS revenue,
        sum(ranked.capped) AS capped, max(CASE WHEN ranked.pos = 1 THEN ranked.revenue END) AS top,
        sum(CASE WHEN ranked.pos <= ${ceilOf("ranked.n")} THEN ranked.revenue ELSE 0 END) AS top_share_revenue
      FROM ranked GROUP BY ranked.k)
    SELECT agg.k AS k, CAST(agg.buyers AS DOUBLE) AS buyers, CAST(agg.revenue AS DOUBLE) AS revenue,
      CAST(agg.capped AS DOUBLE) AS capped, CAST(agg.top AS DOUBLE) AS top,
      CAST(agg.top_share_revenue AS DOUBLE) AS top_share_revenue, CAST(sp.costs AS DOUBLE) AS costs
    FROM agg LEFT JOIN spend sp ON sp.k = agg.k`);
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
      WHERE ${run.inCombos("l.r")} AND l.lifetime < ${HORIZON} GROUP BY l.cohort, l.uk)
    SELECT ${d.formatMonth("br.cohort")} AS cohort, CAST(sum(br.revenue) AS DOUBLE) AS revenue,
      CAST(max(br.revenue) AS DOUBLE) AS top
    FROM br GROUP BY br.cohort ORDER BY br.cohort`);
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
