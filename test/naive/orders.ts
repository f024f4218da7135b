/** Orders by buyer cohort x lifetime, AOV and orders per buyer within H (spec "E-commerce"). */
import type { OrdersByCohortRow } from "../../src/metrics/tables.ts";
import { monthIndex } from "./calendar.ts";
import { buyerCohorts, type Context, isMature, orderLifetime, ordersThrough } from "./context.ts";
import { mean, microToNumber, ratio } from "./numbers.ts";

/**
 * One row per buyer cohort and each observed lifetime 0..(last window month - cohort), zeros where
 * nothing was ordered (aov null then). Lifetimes are calendar months.
 */
export function ordersByCohortRows(ctx: Context): OrdersByCohortRow[] {
  const last = ctx.windowMonths.at(-1);
  if (last === undefined) return [];
  const rows: OrdersByCohortRow[] = [];
  for (const [cohort, buyers] of buyerCohorts(ctx)) {
    const maxK = monthIndex(last) - monthIndex(cohort);
    for (let k = 0; k <= maxK; k++) {
      let orders = 0;
      let revenue = 0n;
      let who = 0;
      for (const b of buyers) {
        const inK = b.orders.filter((o) => orderLifetime(b, o) === k);
        if (inK.length > 0) who++;
        orders += inK.length;
        for (const o of inK) revenue += o.micro;
      }
      const rev = microToNumber(revenue);
      rows.push({ cohort, lifetime: k, orders, revenue: rev, buyers: who, aov: ratio(rev, orders) });
    }
  }
  return rows;
}

/** Headline AOV: all revenue / all orders in the window. */
export function aov(ctx: Context): number | null {
  let revenue = 0n;
  for (const o of ctx.orders) revenue += o.micro;
  return ratio(microToNumber(revenue), ctx.orders.length);
}

export interface MonthlyAov {
  month: string;
  orders: number;
  revenue: number;
  aov: number | null;
}

/** AOV per calendar month of the order. */
export function aovByMonth(ctx: Context): MonthlyAov[] {
  return ctx.windowMonths.map((month) => {
    const list = ctx.orders.filter((o) => o.month === month);
    let revenue = 0n;
    for (const o of list) revenue += o.micro;
    const rev = microToNumber(revenue);
    return { month, orders: list.length, revenue: rev, aov: ratio(rev, list.length) };
  });
}

/** For each mature cohort: orders in lifetimes 0..H-1 / cohort size; plain mean of the ratios. */
export function ordersPerBuyerH(ctx: Context): number | null {
  const h = ctx.options.horizon;
  const ratios: number[] = [];
  for (const [cohort, buyers] of buyerCohorts(ctx)) {
    if (!isMature(ctx, cohort)) continue;
    let orders = 0;
    for (const b of buyers) orders += ordersThrough(b, h - 1);
    ratios.push(orders / buyers.length);
  }
  return mean(ratios);
}
