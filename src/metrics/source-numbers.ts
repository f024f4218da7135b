import { UNATTRIBUTED } from "./attribution.ts";
import { sourceRowOrder } from "./id-order.ts";
import { type LagIndex, lagStats } from "./lag-index.ts";
import { type MetricRun, num, text } from "./query.ts";

/*
 * "Sources in numbers" beside the attributed columns: per acquisition source (the source of the
 * user's first session, whole history, whatever the attribution model, like the users and conversion
 * columns) the window's orders and revenue, and the conversion lag of its new buyers (mean and
 * median, with the buyers measured). The median needs the buyers themselves: it comes from the
 * window's lag index (lag-index.ts: the new buyers' lags per combo, in memory), never the visits. Buyers without any session have
 * no acquisition source: their orders count under `unattributed`, so the rows add up to the window's
 * orders and revenue; their lag is not measured (spec "Conversion lag").
 */

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

export async function sourceNumbers(
  run: MetricRun,
  lags: LagIndex,
  combos: readonly { r: number; source: string }[],
): Promise<SourceNumbers[]> {
  const { t } = run;
  const sold = await run.all(`
    SELECT c.source_id AS source, CAST(sum(o.orders) AS DOUBLE) AS orders, CAST(sum(o.revenue) AS DOUBLE) AS revenue
    FROM ${t.ordersMonth} o LEFT JOIN ${t.combos} c ON c.r = o.r
    WHERE ${run.inCombos("o.r")}
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
  // The slice's combos grouped by source: each source's lags are those of its combos in the slice.
  const inSlice = run.scope.combos === null ? null : new Set(run.scope.combos);
  const bySource = new Map<string, number[]>();
  for (const c of combos) {
    if (inSlice && !inSlice.has(c.r)) continue;
    bySource.set(c.source, [...(bySource.get(c.source) ?? []), c.r]);
  }
  for (const [source, codes] of bySource) {
    const lag = lagStats(lags, codes);
    if (lag.buyers === 0) continue;
    const row = rowOf(source);
    row.lagBuyers = lag.buyers;
    row.lagMeanDays = lag.meanDays;
    row.lagMedianDays = lag.medianDays;
  }
  return [...rows.values()].sort((a, b) => sourceRowOrder(a.source, b.source));
}
