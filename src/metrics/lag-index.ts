import { type BoundSql, bool, num } from "./query.ts";
import type { ConversionLagStats } from "./result.ts";
import { NO_COMBO } from "./window-memory.ts";

/*
 * The conversion lags of a window's new buyers, held in memory per acquisition combo as sorted
 * frequency tables, read once when the window is built. The median needs every buyer of the slice
 * (medians do not add up across combos); reading them from the per-buyer table cost each slice a scan
 * and a sort of every new buyer (the largest read of a slice at 4M sessions). Here a slice finds an
 * order statistic by a binary search over the lag value, counting in each chosen combo's table: exact,
 * as quantile_cont on the raw lags, without touching the engine.
 */

interface ComboLags {
  /** Distinct lags in seconds, ascending. */
  values: Float64Array;
  /** Buyers with lag at most values[i]. */
  upTo: Float64Array;
  /** Sum of every buyer's lag (seconds; an integer, exact in a double far beyond any real log). */
  sum: number;
  noSession: number;
  orderFirst: number;
}

/** Lags by combo code; buyers without any session (no combo) under NO_COMBO. */
export type LagIndex = Map<number, ComboLags>;

export async function readLagIndex(q: BoundSql, newBuyers: string): Promise<LagIndex> {
  const rows = await q.all(`
    SELECT b.r AS r, b.lag_s AS lag_s, CAST(count(*) AS DOUBLE) AS n, b.is_user AS is_user,
      b.attributable AS attributable
    FROM ${newBuyers} b GROUP BY b.r, b.is_user, b.attributable, b.lag_s
    ORDER BY b.r, b.lag_s`);
  const building = new Map<
    number,
    { values: number[]; counts: number[]; noSession: number; orderFirst: number }
  >();
  for (const row of rows) {
    const r = row.r === null ? NO_COMBO : num(row.r);
    const combo = building.get(r) ?? { values: [], counts: [], noSession: 0, orderFirst: 0 };
    building.set(r, combo);
    const n = num(row.n);
    if (!bool(row.is_user)) combo.noSession += n;
    else if (!bool(row.attributable)) combo.orderFirst += n;
    else {
      combo.values.push(num(row.lag_s));
      combo.counts.push(n);
    }
  }
  const index: LagIndex = new Map();
  for (const [r, c] of building) {
    const upTo = new Float64Array(c.counts.length);
    let total = 0;
    let sum = 0;
    c.counts.forEach((n, i) => {
      total += n;
      upTo[i] = total;
      sum += n * c.values[i]!;
    });
    index.set(r, {
      values: Float64Array.from(c.values),
      upTo,
      sum,
      noSession: c.noSession,
      orderFirst: c.orderFirst,
    });
  }
  return index;
}

/** The lag statistics of the combos `combos` (null = every buyer, those without a session included). */
export function lagStats(index: LagIndex, combos: readonly number[] | null): ConversionLagStats {
  const chosen = combos === null ? [...index.values()] : combos.flatMap((r) => index.get(r) ?? []);
  const buyers = chosen.reduce((s, c) => s + (c.upTo[c.upTo.length - 1] ?? 0), 0);
  const sum = chosen.reduce((s, c) => s + c.sum, 0);
  const median = quantileCont(chosen, buyers, 0.5);
  return {
    buyers,
    meanDays: buyers === 0 ? null : sum / buyers / DAY_S,
    medianDays: median === null ? null : median / DAY_S,
    medianMinutes: median === null ? null : median / 60,
    excludedNoSession: chosen.reduce((s, c) => s + c.noSession, 0),
    excludedOrderFirst: chosen.reduce((s, c) => s + c.orderFirst, 0),
  };
}

const DAY_S = 86_400;

/** quantile_cont over the lags of `combos` (`total` of them): interpolated between order statistics. */
function quantileCont(combos: ComboLags[], total: number, p: number): number | null {
  if (total === 0) return null;
  const pos = p * (total - 1);
  const lo = orderStatistic(combos, Math.floor(pos));
  const hi = orderStatistic(combos, Math.ceil(pos));
  return lo + (hi - lo) * (pos - Math.floor(pos));
}

/** The k-th smallest lag (0-based) over the combos: the least value with more than k lags at or below it. */
function orderStatistic(combos: ComboLags[], k: number): number {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const c of combos) {
    if (c.values.length === 0) continue;
    lo = Math.min(lo, c.values[0]!);
    hi = Math.max(hi, c.values[c.values.length - 1]!);
  }
  // Lags are whole seconds: bisect over the integers [lo, hi].
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (countUpTo(combos, mid) > k) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function countUpTo(combos: ComboLags[], v: number): number {
  let n = 0;
  for (const c of combos) {
    // Index of the last value <= v.
    let a = 0;
    let b = c.values.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (c.values[m]! <= v) a = m + 1;
      else b = m;
    }
    if (a > 0) n += c.upTo[a - 1]!;
  }
  return n;
}
