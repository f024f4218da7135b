import type { SliceCohorts } from "./cohort-cells.ts";
import { bool, type MetricRun, num, text } from "./query.ts";
import type { OrderStats } from "./result.ts";
import type { OrdersByCohortRow } from "./tables.ts";

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

/** One read: the sums stay in SQL (revenue is an exact DECIMAL there), per month and overall. */
export async function readSliceOrders(run: MetricRun): Promise<SliceOrders> {
  const { d, t } = run;
  const rows = await run.all(`
    SELECT ${d.formatMonth("o.month_start")} AS month, CAST(grouping(o.month_start) AS INTEGER) AS every_month,
      CAST(coalesce(sum(o.orders), 0) AS DOUBLE) AS orders, CAST(coalesce(sum(o.revenue), 0) AS DOUBLE) AS revenue
    FROM ${t.ordersMonth} o WHERE ${run.inCombos("o.r")}
    GROUP BY GROUPING SETS ((o.month_start), ())`);
  const out: SliceOrders = { byMonth: new Map(), orders: 0, revenue: 0 };
  for (const r of rows) {
    const value = { orders: num(r.orders), revenue: num(r.revenue) };
    if (bool(r.every_month)) {
      out.orders = value.orders;
      out.revenue = value.revenue;
    } else out.byMonth.set(text(r.month), value);
  }
  return out;
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
