import { decimalToNumber } from "./exact-decimal.ts";
import { naturalIdOrder } from "./id-order.ts";
import type { WindowMemory } from "./window-memory.ts";

/*
 * The slice's spend, summed once from the window's memory and shared by every table that needs it (costs by source and month,
 * CAC and ROMI by cohort, spend shares, by_source's costs, ROMI by source and lifetime). Spend is a
 * DECIMAL: the window's (source, month) cells are held as exact decimals and every sum — per month, per
 * source, overall, and running sums over the months for "spend of the months up to m" — is exact
 * before it becomes a double (exact-decimal.ts), so each equals CAST(sum(costs) AS DOUBLE) in SQL. A
 * double sum could differ in the last digit.
 */

interface Running {
  costs: number;
  /** Spend of this and every earlier month (same source, or all sources). */
  upTo: number;
}

export interface SliceSpend {
  /** Spend per (source, month), in source id order, then month. */
  cells: { source: string; month: string; costs: number }[];
  /** Spend per month (months with spend rows only), all chosen sources. */
  byMonth: Map<string, Running>;
  /** Spend per source with spend rows, by month. */
  bySource: Map<string, Map<string, Running>>;
  /** Spend per source over the window. */
  sourceTotals: Map<string, number>;
  /** All the slice's spend; null without any spend row. */
  total: number | null;
}

/** The chosen sources' (source, month) cells of the window's memory (in month order); every sum below is exact. */
export function sumSliceSpend(
  memory: Pick<WindowMemory, "spend">,
  sources: readonly number[] | null,
): SliceSpend {
  const chosen = sources === null ? null : new Set(sources);
  const cells = memory.spend.filter((c) => chosen === null || chosen.has(c.s));
  const byMonth = new Map<string, bigint>();
  const bySource = new Map<string, Map<string, bigint>>();
  for (const c of cells) {
    byMonth.set(c.month, (byMonth.get(c.month) ?? 0n) + c.costs);
    const months = bySource.get(c.source) ?? new Map<string, bigint>();
    months.set(c.month, (months.get(c.month) ?? 0n) + c.costs);
    bySource.set(c.source, months);
  }
  const total = cells.reduce((sum, c) => sum + c.costs, 0n);
  return {
    cells: cells
      .map((c) => ({ source: c.source, month: c.month, costs: decimalToNumber(c.costs) }))
      .sort(
        (a, b) => naturalIdOrder(a.source, b.source) || (a.month < b.month ? -1 : a.month > b.month ? 1 : 0),
      ),
    byMonth: running(byMonth),
    bySource: new Map([...bySource].map(([source, months]) => [source, running(months)])),
    sourceTotals: new Map(
      [...bySource].map(([source, months]) => [
        source,
        decimalToNumber([...months.values()].reduce((a, b) => a + b, 0n)),
      ]),
    ),
    total: cells.length === 0 ? null : decimalToNumber(total),
  };
}

/** Month sums (in month order) with the running sum through each month. */
function running(months: Map<string, bigint>): Map<string, Running> {
  let upTo = 0n;
  const out = new Map<string, Running>();
  for (const [month, costs] of [...months].sort(([a], [b]) => (a < b ? -1 : 1))) {
    upTo += costs;
    out.set(month, { costs: decimalToNumber(costs), upTo: decimalToNumber(upTo) });
  }
  return out;
}

/**
 * Spend of the months up to `last` (inclusive) from a month -> running sum map, null when none of
 * those months has spend. `months` are the window's months in order.
 */
export function spendUpTo(
  byMonth: ReadonlyMap<string, Running> | undefined,
  months: readonly string[],
  last: number,
): number | null {
  if (!byMonth) return null;
  for (let i = Math.min(last, months.length - 1); i >= 0; i--) {
    const hit = byMonth.get(months[i]!);
    if (hit) return hit.upTo;
  }
  return null;
}
