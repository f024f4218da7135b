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
 * The daily acquisition table of `run`'s slice under each of `models`. One statement for the credited
 * buyers of every model and one for the spend: each buyer's H-month revenue and the day's spend are
 * the same under every model, so they are read once, not once per model; a model's sums are those of
 * its own rows (exact DECIMALs), the same as a statement for that model alone.
 */
export async function dailyAcquisitionByModel(
  run: MetricRun,
  models: readonly Attribution[],
): Promise<Record<Attribution, DailyAcquisitionTable>> {
  const { d, t } = run;
  const days = windowDays(run.options.from, run.options.to);
  const out = {} as Record<Attribution, DailyAcquisitionTable>;
  if (run.scope.withheld) {
    for (const model of models) out[model] = { days, sources: [] };
    return out;
  }
  // The day of the credited touch: the first session under first-touch, the first order otherwise.
  const touchDay = `CASE WHEN a.model = 'first-touch' THEN ${d.truncDay("nb.first_session_ts")} ELSE ${d.truncDay("nb.first_order_ts")} END`;
  const byModel = new MetricRun(
    run.engine,
    run.options,
    t,
    run.scope,
    Object.fromEntries(models.map((m, i) => [`m${i}`, m])),
  );
  const modelList = models.map((_, i) => `$m${i}`).join(", ");
  // One after the other: the two statements share the slice's connection.
  const credited = await byModel.all(`
    WITH rev AS (
      SELECT l.uk AS uk, sum(l.revenue) AS revenue_h FROM ${t.lifetimes} l WHERE l.lifetime < ${HORIZON}
      GROUP BY l.uk),
    credited AS (
      SELECT a.model AS model, a.key AS source_id, ${touchDay} AS day_date,
        CAST(CAST(a.n AS DOUBLE) / a.d AS DECIMAL(38, 12)) AS w,
        CAST(CAST(a.n AS DOUBLE) / a.d * CAST(coalesce(r.revenue_h, 0) AS DOUBLE) AS DECIMAL(38, 12)) AS w_revenue,
        CASE WHEN ${d.monthsBetween("nb.cohort", "x.last_month")} >= ${HORIZON} - 1 THEN 1 ELSE 0 END AS mature
      FROM ${t.newBuyers} nb JOIN ${t.attr} a ON a.uk = nb.uk LEFT JOIN rev r ON r.uk = nb.uk
      CROSS JOIN ${lastMonth(run)} x
      WHERE a.model IN (${modelList}) AND a.dim = 'source' AND a.key IS NOT NULL AND ${run.inCombos("nb.r")})
    SELECT c.model AS model, c.source_id AS source_id, ${d.formatDay("c.day_date")} AS day,
      CAST(sum(c.w) AS DOUBLE) AS new_buyers,
      CAST(sum(c.w_revenue) AS DOUBLE) AS revenue_h,
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
  const position = new Map(days.map((day, i) => [day, i]));
  const rowsOf = new Map<string, Row[]>(models.map((m) => [m, []]));
  for (const r of credited) rowsOf.get(text(r.model))?.push(r);
  for (const model of models) out[model] = modelTable(days, position, spend, rowsOf.get(model)!);
  return out;
}

/** One model's table from the window's spend rows and the model's credited rows (in source, day order). */
function modelTable(
  days: string[],
  position: Map<string, number>,
  spend: readonly Row[],
  credited: readonly Row[],
): DailyAcquisitionTable {
  const bySource = new Map<string, DailyAcquisitionSource>();
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
