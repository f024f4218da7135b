import { decimalMean, decimalOfDouble, decimalToNumber } from "./exact-decimal.ts";
import type { AnalysisOptions } from "./options.ts";
import type { MetricRun } from "./query.ts";
import { rowsOf, type WindowMemory } from "./window-memory.ts";
import { observedLifetimes } from "./window-periods.ts";

/*
 * The three SQL fragments below serve the statements a slice still sends, the trust numbers' (trust.ts,
 * intervals.ts, concentration.ts, daily-acquisition.ts); the point numbers' cohort cells are summed in
 * memory (sliceCohorts).
 */

/** SQL: the window's month lifetimes 0..P-1 (P = months the window touches), as `lifetime`. */
export function monthLifetimes(run: MetricRun): string {
  return `(SELECT CAST(row_number() OVER (ORDER BY m.month_start) - 1 AS INTEGER) AS lifetime
    FROM (SELECT DISTINCT c.month_start AS month_start FROM ${run.t.calendar} c) m)`;
}

/** SQL: the last month the window observes (the month of its last day), as `last_month`. */
export function lastMonth(run: MetricRun): string {
  return `(SELECT max(c.month_start) AS last_month FROM ${run.t.calendar} c)`;
}

/** SQL: window months whose lifetime H-1 is observed (mature cohort months), as `month_start`. */
export function matureMonths(run: MetricRun): string {
  return `(SELECT DISTINCT c.month_start AS month_start FROM ${run.t.calendar} c CROSS JOIN ${lastMonth(run)} x
    WHERE ${run.d.monthsBetween("c.month_start", "x.last_month")} >= CAST($horizon AS INTEGER) - 1)`;
}

/** One cell of the slice's buyer cohort x lifetime rectangle (sliceCohorts), as numbers. */
export interface CohortCell {
  /** YYYY-MM */
  cohort: string;
  lifetime: number;
  size: number;
  observed: boolean;
  orders: number;
  buyers: number;
  revenue: number;
  /** Revenue of lifetimes 0..lifetime (blank it where the cell is unobserved). */
  cumRevenue: number;
}

/**
 * The slice's cohort cells and the sums over them that the horizon decides, shared by LTV, orders by
 * cohort, ROMI by cohort and the headline figures. Revenue is summed as exact decimals
 * (exact-decimal.ts) and the per-cohort means are averaged as fixed-point decimals, so they do not
 * depend on the order the combos are added in, as the SQL's DECIMAL sums did not.
 */
export interface SliceCohorts {
  /** In cohort, then lifetime order. */
  cells: CohortCell[];
  /** Observed cells at lifetime H-1 (the mature cohorts). */
  horizon: {
    /** Their cumulative revenue; null without a mature cohort. */
    revenue: number | null;
    /** Their buyers. */
    buyers: number;
    /** Plain mean over mature cohorts of margin x cumulative revenue / size (ltv_h_cohort_mean). */
    cohortMeanLtv: number | null;
  };
  /** Mean over mature cohorts of orders in lifetimes 0..H-1 per buyer, and how many cohorts. */
  ordersPerBuyer: { value: number | null; cohorts: number };
}

/**
 * The buyer cohort (month of first order) x lifetime 0..P-1 rectangle of the chosen combos (P = the
 * window's months), one cell per lifetime for every cohort with new buyers: size, observed (the cell's
 * month is not after the window's last month), orders, ordering buyers, revenue and cumulative revenue
 * (over every lifetime; readers blank it where the cell is unobserved). The window's memory keeps
 * these per acquisition combo; a slice sums its combos.
 */
export function sliceCohorts(
  memory: WindowMemory,
  combos: readonly number[] | null,
  months: readonly string[],
  options: Pick<AnalysisOptions, "horizon" | "margin">,
): SliceCohorts {
  const sizes = new Map<string, number>();
  for (const rows of rowsOf(memory.buyerCohorts, combos))
    for (const b of rows) sizes.set(b.cohort, (sizes.get(b.cohort) ?? 0) + b.buyers);
  const sums = new Map<string, { orders: number; revenue: bigint; buyers: number }>();
  for (const rows of rowsOf(memory.cells, combos))
    for (const c of rows) {
      const id = `${c.cohort}/${c.lifetime}`;
      const sum = sums.get(id) ?? { orders: 0, revenue: 0n, buyers: 0 };
      sum.orders += c.orders;
      sum.revenue += c.revenue;
      sum.buyers += c.buyers;
      sums.set(id, sum);
    }
  const { horizon, margin } = options;
  const out: SliceCohorts = {
    cells: [],
    horizon: { revenue: null, buyers: 0, cohortMeanLtv: null },
    ordersPerBuyer: { value: null, cohorts: 0 },
  };
  let matureRevenue: bigint | null = null;
  let ltvSum = 0n;
  let perBuyerSum = 0n;
  for (const [cohort, size] of [...sizes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const observedThrough = observedLifetimes(months, cohort);
    let cum = 0n;
    let ordersH = 0;
    for (let lifetime = 0; lifetime < months.length; lifetime++) {
      const sum = sums.get(`${cohort}/${lifetime}`) ?? { orders: 0, revenue: 0n, buyers: 0 };
      cum += sum.revenue;
      if (lifetime < horizon) ordersH += sum.orders;
      const observed = observedThrough >= lifetime;
      const cumRevenue = decimalToNumber(cum);
      out.cells.push({
        cohort,
        lifetime,
        size,
        observed,
        orders: sum.orders,
        buyers: sum.buyers,
        revenue: decimalToNumber(sum.revenue),
        cumRevenue,
      });
      if (observed && lifetime === horizon - 1) {
        // A mature cohort: its buyers and revenue through H-1, and its terms of the two means.
        matureRevenue = (matureRevenue ?? 0n) + cum;
        out.horizon.buyers += size;
        ltvSum += decimalOfDouble((margin * cumRevenue) / size);
        perBuyerSum += decimalOfDouble(ordersH / size);
        out.ordersPerBuyer.cohorts += 1;
      }
    }
  }
  const mature = out.ordersPerBuyer.cohorts;
  out.horizon.revenue = matureRevenue === null ? null : decimalToNumber(matureRevenue);
  out.horizon.cohortMeanLtv = decimalMean(ltvSum, mature);
  out.ordersPerBuyer.value = decimalMean(perBuyerSum, mature);
  return out;
}

/** New buyers of the slice: every cohort's size, once (its lifetime-0 cell). */
export function cohortBuyers(cohorts: SliceCohorts): number {
  return cohorts.cells.reduce((sum, c) => (c.lifetime === 0 ? sum + c.size : sum), 0);
}
