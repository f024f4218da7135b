/**
 * The concentration numbers as metrics/concentration.ts read them from the engine before they moved
 * into memory (buyer-memory.ts), kept as the oracles the memory path is compared with
 * (test/intervals-paths.test.ts):
 * - sqlSourceConcentration, as computed until issue 10's latency work: attributed revenue per
 *   (source, buyer) by joining the window's per-buyer lifetimes with the attribution weights and
 *   grouping per request, buyers counted from the new buyers;
 * - sqlRankedSourceConcentration, as read until the memory path: every buyer of the window's
 *   cumulative table (cubeBuyerRevenue below, the table cube-window.ts stored until stop 20) ranked by
 *   a window function per slice and model;
 * - sqlCohortConcentration: the largest buyer per cohort from the per-buyer lifetimes.
 */
import type { Row } from "../../src/engine/engine.ts";
import { UNATTRIBUTED } from "../../src/metrics/attribution.ts";
import { attributedLifetimes } from "../../src/metrics/buyer-memory.ts";
import { matureMonths } from "../../src/metrics/cohort-cells.ts";
import { TOP_SHARE } from "../../src/metrics/concentration.ts";
import { sourceRowOrder } from "../../src/metrics/id-order.ts";
import { sliceSpend } from "../../src/metrics/marketing.ts";
import { HORIZON, type MetricRun, numOrNull, text } from "../../src/metrics/query.ts";
import type { CohortConcentration, SourceConcentration } from "../../src/metrics/result.ts";

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

export async function sqlSourceConcentration(run: MetricRun): Promise<SourceConcentration[]> {
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
  return sourceRows(run, rows);
}

/** Both oracles' rows per source key (buyers, revenue, capped, top, top_share_revenue, costs) as the result's. */
function sourceRows(run: MetricRun, rows: readonly Row[]): SourceConcentration[] {
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

/** SQL: ceil(TOP_SHARE · n) for a positive integer n, without an engine's ceil spelling. */
function ceilOf(n: string): string {
  const per = Math.round(1 / TOP_SHARE);
  return `CAST((${n} + ${per - 1} - (${n} + ${per - 1}) % ${per}) / ${per} AS INTEGER)`;
}

/** SQL: the slice's mature cohort months. */
const IN_MATURE = (run: MetricRun, col: string) =>
  `${col} IN (SELECT m.month_start AS month_start FROM ${matureMonths(run)} m)`;

/**
 * SQL: the window's buyer_revenue table as cube-window.ts built it until stop 20: per (model, source
 * key, buyer) the attributed revenue up to each lifetime the buyer ordered in (each row rounded to
 * 1e-12, then summed by a window function) and the next such lifetime. The memory path now adds the
 * same rows up in TypeScript (buyer-memory.ts).
 */
function cubeBuyerRevenue(run: MetricRun): string {
  const buyer = "PARTITION BY x.model, x.key, x.uk ORDER BY x.lifetime";
  return `(SELECT x.model AS model, x.key AS key, x.uk AS uk, x.r AS r, x.cohort AS cohort, x.lifetime AS lifetime,
      max(x.lifetime) OVER (${buyer} ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) AS next_lifetime,
      sum(x.revenue) OVER (${buyer} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS revenue,
      sum(x.capped) OVER (${buyer} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS capped, x.w AS w
    FROM ${attributedLifetimes(run.t)} x)`;
}

export async function sqlRankedSourceConcentration(run: MetricRun): Promise<SourceConcentration[]> {
  // Per (source key, buyer) of the mature cohorts: horizon revenue, raw and capped, and the buyer's
  // attributed weight: the buyer's row of the last lifetime below H it ordered in (cube-window.ts).
  const rows = await run.all(`
    WITH br AS (SELECT coalesce(b.key, '') AS k, b.uk AS uk, b.revenue AS revenue, b.capped AS capped, b.w AS w
      FROM ${cubeBuyerRevenue(run)} b
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
  return sourceRows(run, rows);
}

/** All sources' revenue through H−1 per buyer of the slice, the largest buyer's share per cohort. */
export async function sqlCohortConcentration(run: MetricRun): Promise<CohortConcentration[]> {
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
