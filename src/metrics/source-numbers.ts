import { UNATTRIBUTED } from "./attribution.ts";
import { sourceRowOrder } from "./id-order.ts";
import { type MetricRun, num, numOrNull, text } from "./query.ts";

/*
 * "Sources in numbers" beside the attributed columns: per acquisition source (the source of the
 * user's first session, whole history, whatever the attribution model, like the users and conversion
 * columns) the window's orders and revenue, and the conversion lag of its new buyers (mean and
 * median, with the buyers measured). The median needs the buyers themselves: it reads the window
 * cube's per-buyer table (one row per new buyer), never the visits. Buyers without any session have
 * no acquisition source: their orders count under `unattributed`, so the rows add up to the window's
 * orders and revenue; their lag is not measured (spec "Conversion lag").
 */

const DAY_S = 86_400;

export interface SourceNumbers {
  /** Acquisition source id, or `unattributed` for buyers without a session. */
  source: string;
  /** Every order in the window of buyers acquired through the source. */
  orders: number;
  revenue: number;
  /** New buyers whose lag is measured (a session at or before the first order). */
  lagBuyers: number;
  lagMeanDays: number | null;
  lagMedianDays: number | null;
}

export async function sourceNumbers(run: MetricRun): Promise<SourceNumbers[]> {
  const { d, t } = run;
  const sold = await run.all(`
    SELECT c.source_id AS source, CAST(sum(o.orders) AS DOUBLE) AS orders, CAST(sum(o.revenue) AS DOUBLE) AS revenue
    FROM ${t.ordersMonth} o LEFT JOIN ${t.combos} c ON c.r = o.r
    WHERE ${run.inCombos("o.r")}
    GROUP BY c.source_id`);
  const lags = await run.all(`
    SELECT c.source_id AS source, CAST(count(*) AS INTEGER) AS buyers, avg(b.lag_s) / ${DAY_S} AS mean_days,
      ${d.quantile("b.lag_s", 0.5)} / ${DAY_S} AS median_days
    FROM ${t.newBuyers} b JOIN ${t.combos} c ON c.r = b.r
    WHERE b.attributable = 1 AND ${run.inCombos("b.r")}
    GROUP BY c.source_id`);
  const rows = new Map<string, SourceNumbers>();
  const rowOf = (source: string): SourceNumbers => {
    let row = rows.get(source);
    if (!row) {
      row = { source, orders: 0, revenue: 0, lagBuyers: 0, lagMeanDays: null, lagMedianDays: null };
      rows.set(source, row);
    }
    return row;
  };
  for (const r of sold) {
    const row = rowOf(r.source === null || r.source === undefined ? UNATTRIBUTED : text(r.source));
    row.orders += num(r.orders);
    row.revenue += num(r.revenue);
  }
  for (const r of lags) {
    const row = rowOf(text(r.source));
    row.lagBuyers = num(r.buyers);
    row.lagMeanDays = numOrNull(r.mean_days);
    row.lagMedianDays = numOrNull(r.median_days);
  }
  return [...rows.values()].sort((a, b) => sourceRowOrder(a.source, b.source));
}
