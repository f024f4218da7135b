import type { Row } from "../engine/engine.ts";
import { UNATTRIBUTED } from "./attribution.ts";
import { lastMonth } from "./cohort-cells.ts";
import { naturalIdOrder } from "./id-order.ts";
import { FROM_DATE, HORIZON, MetricRun, num, TO_DATE, text } from "./query.ts";
import type { Attribution } from "./tables.ts";

/*
 * The budget plan's input: per paid source and day of the window, the spend, the new buyers credited
 * to the source and their H-month revenue, read from the cube (new buyers, their lifetimes, the
 * attribution weights, spend per day). The day is the day of the credited touch: under first-touch
 * the buyer's first session (when spend brought them); under last-touch and linear the buyer's first
 * order, with the model's weights (the sessions' own days are not kept per buyer). A day without a
 * cost row has spend null (unknown), never 0. With a device filter spend cannot be split, so there is
 * nothing to plan (no sources).
 *
 * Weights and weighted revenue are rounded to 1e-12 as DECIMALs per row (as the cube does), so the
 * sums are exact and do not depend on the order threads add them in.
 */

export interface DailyAcquisitionRow {
  /** `YYYY-MM-DD`. */
  day: string;
  spend: number | null;
  /** New buyers credited to the source that day (fractional under linear attribution). */
  newBuyers: number;
  /** Their revenue in lifetimes 0..H-1 observed so far (before margin). */
  revenueH: number;
}

export interface DailyAcquisitionSource {
  source: string;
  /** One row per day of the window, in day order. */
  daily: DailyAcquisitionRow[];
  /** Credited new buyers of buyer cohorts whose H months are all observed, and their H-month revenue. */
  matureBuyers: number;
  matureRevenueH: number;
}

export interface DailyAcquisitionTable {
  /** Every day of the window. */
  days: string[];
  /** Sources with at least one cost row in the window (and the slice), in natural id order. */
  sources: DailyAcquisitionSource[];
}

/**
 * The table of every model in `models`, in one read of the new buyers and their weights: a statement
 * per model read the attribution weights (every model's rows) and the lifetimes once each (0.3 CPU-s
 * apiece at 4M sessions). `run` is the slice's (its model does not matter); each model's rows are
 * its sums alone, in (source, day) order, as one statement per model gave them.
 */
export async function dailyAcquisitions(
  slice: MetricRun,
  models: readonly Attribution[],
): Promise<Map<Attribution, DailyAcquisitionTable>> {
  const params = Object.fromEntries(models.map((m, i) => [`m${i}`, m]));
  const run = new MetricRun(slice.engine, slice.options, slice.t, slice.scope, {
    ...params,
    first_touch: "first-touch",
  });
  const { d, t } = run;
  const days = windowDays(run.options.from, run.options.to);
  const out = new Map<Attribution, DailyAcquisitionTable>();
  if (run.scope.withheld || models.length === 0) {
    for (const model of models) out.set(model, { days, sources: [] });
    return out;
  }
  // The credited touch's day: the first session under first-touch, the first order under the others.
  const touchDay = `CASE WHEN a.model = $first_touch THEN nb.first_session_ts ELSE nb.first_order_ts END`;
  const credited = await run.all(`
    WITH rev AS (
      SELECT l.uk AS uk, sum(l.revenue) AS revenue_h FROM ${t.lifetimes} l WHERE l.lifetime < ${HORIZON}
      GROUP BY l.uk),
    credited AS (
      SELECT a.model AS model, a.key AS source_id, ${d.truncDay(touchDay)} AS day_date,
        CAST(CAST(a.n AS DOUBLE) / a.d AS DECIMAL(38, 12)) AS w,
        CAST(CAST(a.n AS DOUBLE) / a.d * CAST(coalesce(r.revenue_h, 0) AS DOUBLE) AS DECIMAL(38, 12)) AS w_revenue,
        CASE WHEN ${d.monthsBetween("nb.cohort", "x.last_month")} >= ${HORIZON} - 1 THEN 1 ELSE 0 END AS mature
      FROM ${t.newBuyers} nb JOIN ${t.attr} a ON a.uk = nb.uk LEFT JOIN rev r ON r.uk = nb.uk
      CROSS JOIN ${lastMonth(run)} x
      WHERE a.model IN (${Object.keys(params)
        .map((p) => `$${p}`)
        .join(", ")}) AND a.dim = 'source'
        AND a.key IS NOT NULL AND ${run.inCombos("nb.r")})
    SELECT c.model AS model, c.source_id AS source_id, ${d.formatDay("c.day_date")} AS day,
      CAST(sum(c.w) AS DOUBLE) AS new_buyers, CAST(sum(c.w_revenue) AS DOUBLE) AS revenue_h,
      CAST(sum(CASE WHEN c.mature = 1 THEN c.w ELSE 0 END) AS DOUBLE) AS mature_buyers,
      CAST(sum(CASE WHEN c.mature = 1 THEN c.w_revenue ELSE 0 END) AS DOUBLE) AS mature_revenue
    FROM credited c
    WHERE c.day_date >= ${FROM_DATE} AND c.day_date < ${TO_DATE}
    GROUP BY c.model, c.source_id, c.day_date
    ORDER BY c.model, c.source_id, c.day_date`);
  const spend = await run.all(`
    SELECT s.source_id AS source_id, ${d.formatDay("k.day_date")} AS day, CAST(sum(k.costs) AS DOUBLE) AS spend
    FROM ${t.costsDay} k JOIN ${t.sources} s ON s.s = k.s
    WHERE k.day_date >= ${FROM_DATE} AND k.day_date < ${TO_DATE} AND ${run.inSources("k.s")}
    GROUP BY s.source_id, k.day_date`);
  for (const model of models)
    out.set(
      model,
      table(
        days,
        spend,
        credited.filter((r) => text(r.model) === model),
      ),
    );
  return out;
}

/** One model's table from its credited rows (in source, day order) and the slice's spend rows. */
function table(days: string[], spend: readonly Row[], credited: readonly Row[]): DailyAcquisitionTable {
  const bySource = new Map<string, DailyAcquisitionSource>();
  const position = new Map(days.map((day, i) => [day, i]));
  const sourceOf = (id: string): DailyAcquisitionSource => {
    let s = bySource.get(id);
    if (!s) {
      s = {
        source: id,
        daily: days.map((day) => ({ day, spend: null, newBuyers: 0, revenueH: 0 })),
        matureBuyers: 0,
        matureRevenueH: 0,
      };
      bySource.set(id, s);
    }
    return s;
  };
  for (const r of spend) sourceOf(text(r.source_id)).daily[position.get(text(r.day))!]!.spend = num(r.spend);
  // Rows come in (source, day) order, so the JS sums below are the same on every run.
  for (const r of credited) {
    const s = bySource.get(text(r.source_id));
    // Sources without cost rows (free traffic) have no spend to plan.
    if (!s || s.source === UNATTRIBUTED) continue;
    const row = s.daily[position.get(text(r.day))!]!;
    row.newBuyers = num(r.new_buyers);
    row.revenueH = num(r.revenue_h);
    s.matureBuyers += num(r.mature_buyers);
    s.matureRevenueH += num(r.mature_revenue);
  }
  return { days, sources: [...bySource.values()].sort((a, b) => naturalIdOrder(a.source, b.source)) };
}

function windowDays(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t < Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}
