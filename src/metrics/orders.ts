import type { SliceCohorts } from "./cohort-cells.ts";
import { decimalToNumber } from "./exact-decimal.ts";
import type { OrderStats } from "./result.ts";
import type { OrdersByCohortRow } from "./tables.ts";
import { rowsOf, type WindowMemory } from "./window-memory.ts";

/**
 * Orders, revenue, ordering buyers and AOV per buyer cohort x lifetime month, for observed cells only
 * (an unobserved cell has no count to report; ltv.csv carries the unobserved ones as empty).
 */
export function ordersByCohort(cohorts: SliceCohorts): OrdersByCohortRow[] {
  return cohorts.cells
    .filter((c) => c.observed)
    .map((c) => ({
      cohort: c.cohort,
      lifetime: c.lifetime,
      orders: c.orders,
      revenue: c.revenue,
      buyers: c.buyers,
      aov: c.orders === 0 ? null : c.revenue / c.orders,
    }));
}

/** Every order of the window by the slice's users (returning buyers included), per month and in all. */
export interface SliceOrders {
  byMonth: Map<string, { orders: number; revenue: number }>;
  orders: number;
  revenue: number;
}

/** Summed from the chosen combos' months in the window's memory; revenue as an exact decimal. */
export function sliceOrders(memory: WindowMemory, combos: readonly number[] | null): SliceOrders {
  const byMonth = new Map<string, { orders: number; revenue: bigint }>();
  let orders = 0;
  let revenue = 0n;
  for (const rows of rowsOf(memory.ordersMonth, combos))
    for (const o of rows) {
      const m = byMonth.get(o.month) ?? { orders: 0, revenue: 0n };
      m.orders += o.orders;
      m.revenue += o.revenue;
      byMonth.set(o.month, m);
      orders += o.orders;
      revenue += o.revenue;
    }
  return {
    byMonth: new Map(
      [...byMonth].map(([month, m]) => [month, { orders: m.orders, revenue: decimalToNumber(m.revenue) }]),
    ),
    orders,
    revenue: decimalToNumber(revenue),
  };
}

/**
 * AOV overall and per calendar month (every order of the window by the slice's users, returning
 * buyers included); orders per buyer within H over mature cohorts of new buyers.
 */
export function orderStats(orders: SliceOrders, cohorts: SliceCohorts, months: string[]): OrderStats {
  return {
    aov: orders.orders === 0 ? null : orders.revenue / orders.orders,
    aovByMonth: months.map((month) => {
      const m = orders.byMonth.get(month) ?? { orders: 0, revenue: 0 };
      return { month, ...m, aov: m.orders === 0 ? null : m.revenue / m.orders };
    }),
    ordersPerBuyerH: cohorts.ordersPerBuyer.value,
    ordersPerBuyerHCohorts: cohorts.ordersPerBuyer.cohorts,
  };
}
