/**
 * Concentration and the robust LTV, computed from raw order records with plain loops, independently
 * of src/metrics (concentration.ts, cube-data.ts): docs/decisions.md, "Intervals, concentration and
 * verdicts". Orders-only data: every buyer is one group (in the engine: the `unattributed` source).
 */
import type { OrderRecord } from "../../src/metrics/tables.ts";

export interface NaiveRobust {
  /** The 99.9th percentile of order value over every order of the data (linear interpolation). */
  orderCap: number;
  /** Buyers of the mature cohorts, their revenue in lifetimes 0..H−1, raw and with orders capped. */
  matureBuyers: number;
  revenueH: number;
  cappedRevenueH: number;
  /** Largest single buyer's share of revenueH, and of each cohort's revenue in lifetimes 0..H−1. */
  topBuyerShare: number;
  topBuyerShareByCohort: Map<string, number>;
}

/** `from`/`to` are `YYYY-MM-DD` (to exclusive); H in months. */
export function naiveRobust(
  orders: readonly OrderRecord[],
  window: { from: string; to: string },
  horizon: number,
): NaiveRobust {
  const values = orders.map((o) => Number(o.revenue)).sort((a, b) => a - b);
  const pos = 0.999 * (values.length - 1);
  const lo = Math.floor(pos);
  const cap =
    values[lo]! + (pos - lo) * ((values[Math.min(lo + 1, values.length - 1)] ?? values[lo]!) - values[lo]!);
  const month = (ts: string) => Number(ts.slice(0, 4)) * 12 + Number(ts.slice(5, 7)) - 1;
  const inWindow = orders.filter((o) => o.ts.slice(0, 10) >= window.from && o.ts.slice(0, 10) < window.to);
  // Buyer cohort: month of the first order of the whole history (orders before the window included).
  const firstMonth = new Map<string, number>();
  for (const o of orders) {
    const m = month(o.ts);
    if (!firstMonth.has(o.user_id) || m < firstMonth.get(o.user_id)!) firstMonth.set(o.user_id, m);
  }
  const lastMonth = month(`${window.to}`) - (window.to.slice(8, 10) === "01" ? 1 : 0);
  const fromMonth = month(window.from);
  const perBuyer = new Map<string, { cohort: number; raw: number; capped: number }>();
  for (const o of inWindow) {
    const cohort = firstMonth.get(o.user_id)!;
    if (cohort < fromMonth) continue; // not a new buyer of the window
    const b = perBuyer.get(o.user_id) ?? { cohort, raw: 0, capped: 0 };
    if (month(o.ts) - cohort < horizon) {
      b.raw += Number(o.revenue);
      b.capped += Math.min(Number(o.revenue), cap);
    }
    perBuyer.set(o.user_id, b);
  }
  const mature = [...perBuyer.values()].filter((b) => b.cohort + horizon - 1 <= lastMonth);
  const revenueH = mature.reduce((s, b) => s + b.raw, 0);
  const byCohort = new Map<number, { total: number; top: number }>();
  for (const b of perBuyer.values()) {
    const c = byCohort.get(b.cohort) ?? { total: 0, top: 0 };
    c.total += b.raw;
    c.top = Math.max(c.top, b.raw);
    byCohort.set(b.cohort, c);
  }
  const label = (m: number) => `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, "0")}`;
  return {
    orderCap: cap,
    matureBuyers: mature.length,
    revenueH,
    cappedRevenueH: mature.reduce((s, b) => s + b.capped, 0),
    topBuyerShare: Math.max(...mature.map((b) => b.raw)) / revenueH,
    topBuyerShareByCohort: new Map(
      [...byCohort].map(([m, c]) => [label(m), c.total > 0 ? c.top / c.total : 0]),
    ),
  };
}
