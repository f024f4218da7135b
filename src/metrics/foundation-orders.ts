import type { UserKey } from "./foundation-visits.ts";
import { FROM_DATE, FROM_TS, type MetricRun, TO_DATE, TO_TS } from "./query.ts";
import { T } from "./temp-tables.ts";

/*
 * Order- and cost-side building blocks: buyers, their cohorts and lifetimes, the cohort x lifetime
 * rectangle every cohort metric reads, and windowed spend. Money stays DECIMAL here; modules cast to
 * DOUBLE only for the final value or ratio.
 */

const ORDERS_IN_WINDOW = `o.ts >= ${FROM_TS} AND o.ts < ${TO_TS}`;

/** Whether every windowed user id in orders is a canonical unsigned 64-bit integer. */
export async function ordersIdsNumeric(run: MetricRun): Promise<boolean> {
  const [row] = await run.all(`SELECT coalesce(bool_and(${run.d.isCanonicalU64("o.user_id")}), true) AS ok
    FROM orders o WHERE ${ORDERS_IN_WINDOW}`);
  return row?.ok === true;
}

export async function buildBuyers(run: MetricRun, key: UserKey): Promise<void> {
  const { d } = run;
  await run.run(`CREATE OR REPLACE TEMP TABLE ${T.buyerMonths} AS
    SELECT ${key.of("o.user_id")} AS uk, ${d.truncMonth("o.ts")} AS month_start,
      CAST(count(*) AS BIGINT) AS orders, sum(o.revenue) AS revenue, min(o.ts) AS first_ts
    FROM orders o WHERE ${ORDERS_IN_WINDOW}
    GROUP BY 1, 2`);
  // attributable: the buyer has a session starting at or before the first order. The first session is
  // the earliest, so that is the only one to compare.
  await run.run(`CREATE OR REPLACE TEMP TABLE ${T.buyers} AS
    WITH b AS (
      SELECT uk, min(first_ts) AS first_order_ts, min(month_start) AS cohort,
        CAST(sum(orders) AS BIGINT) AS orders, sum(revenue) AS revenue
      FROM ${T.buyerMonths} GROUP BY uk)
    SELECT b.uk, b.first_order_ts, b.cohort, b.orders, b.revenue, u.uk IS NOT NULL AS is_user,
      u.first_ts AS first_session_ts, u.first_r, u.cohort_month AS acq_month, u.cohort_week AS acq_week,
      coalesce(u.first_ts <= b.first_order_ts, false) AS attributable
    FROM b LEFT JOIN ${T.users} u ON u.uk = b.uk`);
  await run.run(`CREATE OR REPLACE TEMP TABLE ${T.lifetimes} AS
    SELECT m.uk, b.cohort, ${d.monthsBetween("b.cohort", "m.month_start")} AS lifetime, m.orders, m.revenue
    FROM ${T.buyerMonths} m JOIN ${T.buyers} b ON b.uk = m.uk`);
  await buildCohortCells(run);
}

/** SQL: the window's month lifetimes 0..P-1 (P = months the window touches), as `lifetime`. */
export function monthLifetimes(): string {
  return `(SELECT CAST(row_number() OVER (ORDER BY month_start) - 1 AS INTEGER) AS lifetime
    FROM (SELECT DISTINCT month_start FROM ${T.calendar}))`;
}

/** SQL: the last month the window observes (the month of its last day), as `last_month`. */
export function lastMonth(): string {
  return `(SELECT max(month_start) AS last_month FROM ${T.calendar})`;
}

/**
 * Buyer cohort (month of first order) x lifetime 0..P-1, one row per cell, for cohorts with buyers.
 * `observed` = the cell's month is not after the window's last month. Cumulative revenue runs over
 * every lifetime; modules blank it where the cell is unobserved.
 */
async function buildCohortCells(run: MetricRun): Promise<void> {
  const { d } = run;
  await run.run(`CREATE OR REPLACE TEMP TABLE ${T.cohortCells} AS
    WITH sizes AS (SELECT cohort, CAST(count(*) AS BIGINT) AS size FROM ${T.buyers} GROUP BY cohort),
    cells AS (
      SELECT cohort, lifetime, sum(orders) AS orders, sum(revenue) AS revenue, CAST(count(*) AS BIGINT) AS buyers
      FROM ${T.lifetimes} GROUP BY 1, 2),
    grid AS (
      SELECT s.cohort, s.size, l.lifetime, ${d.monthsBetween("s.cohort", "x.last_month")} >= l.lifetime AS observed
      FROM sizes s CROSS JOIN ${monthLifetimes()} l CROSS JOIN ${lastMonth()} x)
    SELECT g.cohort, g.lifetime, g.size, g.observed, CAST(coalesce(c.orders, 0) AS BIGINT) AS orders,
      coalesce(c.buyers, 0) AS buyers, coalesce(c.revenue, 0) AS revenue,
      sum(coalesce(c.revenue, 0)) OVER (PARTITION BY g.cohort ORDER BY g.lifetime
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum_revenue
    FROM grid g LEFT JOIN cells c ON c.cohort = g.cohort AND c.lifetime = g.lifetime`);
}

export async function buildCosts(run: MetricRun): Promise<void> {
  await run.run(`CREATE OR REPLACE TEMP TABLE ${T.costs} AS
    SELECT c.source_id, ${run.d.truncMonth('c."date"')} AS month_start, sum(c.costs) AS costs
    FROM costs c WHERE c."date" >= ${FROM_DATE} AND c."date" < ${TO_DATE}
    GROUP BY 1, 2`);
}
