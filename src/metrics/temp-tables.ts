import type { MetricRun } from "./query.ts";

/**
 * The run's shared building blocks, materialised once as temp tables and read by every metric module.
 * Names come only from this list. Temp tables belong to the engine's connection, so one engine runs
 * one analysis at a time (computeMetrics queues concurrent calls).
 */
export const T = {
  /** Windowed sessions by (source_id, device), by day and by length (GROUPING SETS). */
  profile: "cs_visit_profile",
  /** Dictionary of (source_id, device) ranked in id order; `r` encodes the tie-break in sort keys. */
  combos: "cs_combos",
  /** One row per day of the window: offset `d`, `day_date`, `week_start`, `month_start`. */
  calendar: "cs_calendar",
  /** One row per user: first session (ts, combo), acquisition cohorts, session count. */
  users: "cs_users",
  /** Distinct active users per (acquisition month, acquisition week, day), with first-in-period counts. */
  cells: "cs_activity_cells",
  /** Orders per (buyer, calendar month). */
  buyerMonths: "cs_buyer_months",
  /** One row per buyer: first order, buyer cohort, totals, acquisition facts, attributable flag. */
  buyers: "cs_buyers",
  /** Orders and revenue per (buyer, lifetime month). */
  lifetimes: "cs_buyer_lifetimes",
  /** Buyer cohort x lifetime rectangle: size, orders, buyers, revenue, cumulative revenue, observed. */
  cohortCells: "cs_cohort_cells",
  /** Sessions per (buyer, combo) that start at or before the buyer's first order. */
  attrSessions: "cs_attr_sessions",
  /** Attribution weights n/d per (buyer, dim, key); key NULL = unattributed. */
  attr: "cs_attr",
  /** Attributed revenue per (dim, key, cohort, lifetime) and attributed buyers per (dim, key, cohort). */
  attrRevenue: "cs_attr_revenue",
  attrBuyers: "cs_attr_buyers",
  /** Windowed spend per (source, month). */
  costs: "cs_costs",
} as const;

export async function dropTempTables(run: MetricRun): Promise<void> {
  for (const name of Object.values(T)) await run.run(`DROP TABLE IF EXISTS ${name}`);
}
