import { UNATTRIBUTED } from "./attribution.ts";
import { decimalToNumber } from "./exact-decimal.ts";
import { sourceRowOrder } from "./id-order.ts";
import { type LagIndex, lagStats } from "./lag-index.ts";
import { chosenEntries, type WindowMemory } from "./window-memory.ts";

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

export function sourceNumbers(
  memory: WindowMemory,
  scope: { combos: readonly number[] | null },
  lags: LagIndex,
  combos: readonly { r: number; source: string }[],
): SourceNumbers[] {
  // Orders and revenue per acquisition source, summed exactly over the chosen combos' months.
  const sourceOf = new Map(combos.map((c) => [c.r, c.source]));
  const sold = new Map<string, { orders: number; revenue: bigint }>();
  for (const [r, months] of chosenEntries(memory.ordersMonth, scope.combos)) {
    const source = sourceOf.get(r) ?? UNATTRIBUTED;
    const s = sold.get(source) ?? { orders: 0, revenue: 0n };
    for (const o of months) {
      s.orders += o.orders;
      s.revenue += o.revenue;
    }
    sold.set(source, s);
  }
  const rows = new Map<string, SourceNumbers>();
  const rowOf = (source: string): SourceNumbers => {
    let row = rows.get(source);
    if (!row) {
      row = { source, orders: 0, revenue: 0, lagBuyers: 0, lagMeanDays: null, lagMedianDays: null };
      rows.set(source, row);
    }
    return row;
  };
  for (const [source, s] of sold) {
    const row = rowOf(source);
    row.orders = s.orders;
    row.revenue = decimalToNumber(s.revenue);
  }
  // The slice's combos grouped by source: each source's lags are those of its combos in the slice.
  const inSlice = scope.combos === null ? null : new Set(scope.combos);
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
