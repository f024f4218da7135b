import type { Engine } from "../engine/engine.ts";
import { BOOTSTRAP_DEFAULTS } from "./bootstrap.ts";
import { LAG_BUCKET_SQL } from "./conversion.ts";
import type { DataTables, WindowTables } from "./cube-tables.ts";
import { type LagIndex, readLagIndex } from "./lag-index.ts";
import { BoundSql, FROM_DATE, FROM_TS, num, TO_DATE, TO_TS, text } from "./query.ts";
import { readWindowMemory, type WindowMemory } from "./window-memory.ts";

/*
 * The window half of the cube: for one analysis window [from, to), small tables keyed by the
 * acquisition combo `r` (and the source code `s` for spend) that every source / device filter slices
 * by summing rows. Distinct users add up across combos because each user has exactly one acquisition
 * combo; sums and counts are stored, never averages, so any slice combines exactly (the "sufficient
 * statistics" of uwdata/mosaic's pre-aggregation). Read from the data cube's tables, never raw visits.
 *
 * Meaning (docs/decisions.md, "Window and filters"): activity counts every session and order inside
 * the window; cohorts are the users whose first session, and the buyers whose first order, fall in it.
 */

/** Facts of one window, for DataFacts and parameters. */
export interface WindowFacts {
  days: number;
  /** Canonical rows outside the window (every combo; the data-quality view of the window). */
  excluded: { visits: number; orders: number; costs: number };
  /**
   * The window's days in order, each with its week (Monday) and month, formatted as the tables show
   * them: the same for every filter, so slices take periods, lifetimes and mature months from here
   * instead of reading the calendar table in every statement.
   */
  calendar: CalendarDay[];
  /** The new buyers' conversion lags per combo, in memory (lag-index.ts): slices take medians here. */
  lags: LagIndex;
  /** The window's seenCombos rows (acquisition combo r, session combo sr): by_source lists what was seen. */
  seen: { r: number; sr: number }[];
  /** The window's per-combo tables, read once: every point number of a slice is summed from here. */
  memory: WindowMemory;
}

export interface CalendarDay {
  /** YYYY-MM-DD */
  day: string;
  /** YYYY-MM-DD of the week's Monday. */
  week: string;
  /** YYYY-MM */
  month: string;
}

const IN_WINDOW_DAY = (col: string) => `${col} >= ${FROM_DATE} AND ${col} < ${TO_DATE}`;
const IN_WINDOW_TS = (col: string) => `${col} >= ${FROM_TS} AND ${col} < ${TO_TS}`;

export async function buildWindowCube(
  engine: Engine,
  data: DataTables,
  t: WindowTables,
  window: { from: string; to: string },
): Promise<WindowFacts> {
  const days = Math.round(
    (Date.parse(`${window.to}T00:00:00Z`) - Date.parse(`${window.from}T00:00:00Z`)) / 86_400_000,
  );
  const q = new BoundSql(engine, { from: window.from, to: window.to, days });
  const { d } = q;
  await q.createTemp(
    t.calendar,
    `SELECT CAST(g.i AS INTEGER) AS d, g.day_date AS day_date, ${d.truncWeek("g.day_date")} AS week_start,
      ${d.truncMonth("g.day_date")} AS month_start
    FROM (SELECT s.i AS i, ${d.addDays(FROM_DATE, "s.i")} AS day_date FROM ${d.integerSeries("$days")} s) g`,
  );
  await buildActivity(q, data, t);
  await buildNewBuyers(q, data, t);
  await q.createTemp(
    t.costs,
    `SELECT k.s AS s, ${d.truncMonth("k.day_date")} AS month_start, sum(k.costs) AS costs
    FROM ${data.costsDay} k WHERE ${IN_WINDOW_DAY("k.day_date")} GROUP BY k.s, ${d.truncMonth("k.day_date")}`,
  );
  const [out] = await q.all(`
    SELECT CAST((SELECT coalesce(sum(sessions), 0) AS v FROM ${data.userDays} WHERE NOT (${IN_WINDOW_DAY("day_date")}))
        AS DOUBLE) AS visits,
      CAST((SELECT coalesce(sum(orders), 0) AS v FROM ${data.buyerDays} WHERE NOT (${IN_WINDOW_DAY("day_date")}))
        AS DOUBLE) AS orders,
      CAST((SELECT coalesce(sum(cost_rows), 0) AS v FROM ${data.costsDay} WHERE NOT (${IN_WINDOW_DAY("day_date")}))
        AS DOUBLE) AS costs`);
  const calendar =
    await q.all(`SELECT ${d.formatDay("c.day_date")} AS day, ${d.formatDay("c.week_start")} AS week,
      ${d.formatMonth("c.month_start")} AS month FROM ${t.calendar} c ORDER BY c.d`);
  return {
    days,
    excluded: { visits: num(out?.visits), orders: num(out?.orders), costs: num(out?.costs) },
    calendar: calendar.map((c) => ({ day: text(c.day), week: text(c.week), month: text(c.month) })),
    lags: await readLagIndex(q, t.newBuyers),
    seen: (await q.all(`SELECT s.r AS r, s.sr AS sr FROM ${t.seenCombos} s ORDER BY s.r, s.sr`)).map((s) => ({
      r: num(s.r),
      sr: num(s.sr),
    })),
    memory: await readWindowMemory(q, { ...t, sources: data.sources }),
  };
}

/** DAU, WAU/MAU with retention, new users and conversions, session lengths. */
async function buildActivity(q: BoundSql, data: DataTables, t: WindowTables): Promise<void> {
  const { d } = q;
  await q.createTemp(
    t.actDay,
    `SELECT u.r AS r, u.day_date AS day_date, CAST(count(*) AS INTEGER) AS users,
      CAST(sum(u.sessions) AS BIGINT) AS sessions
    FROM ${data.userDays} u WHERE ${IN_WINDOW_DAY("u.day_date")} GROUP BY u.r, u.day_date`,
  );
  // Weeks and months in one scan of the user-days: a grouping set each (grouping(x.month_start) tells
  // them apart; a cohort is NULL for users acquired before the window), split into the two tables
  // after. A user whose sessions all fall on one day (`only_day`, about half the rows) is one row of
  // one week and one month: counted, not hashed for distinct users; only the others are. Two passes
  // with distinct counts over every row cost 2.1 CPU-s at 4M sessions, this one 1.1.
  const inWindowCohort = (column: string) => `CASE WHEN ${IN_WINDOW_DAY("u.acq_day")} THEN u.${column} END`;
  const both = `${t.activeMonth}_both`;
  await q.createTemp(
    both,
    `SELECT x.r AS r, x.month_cohort AS month_cohort, x.month_start AS month_start, x.week_cohort AS week_cohort,
      x.week_start AS week_start,
      CAST(sum(CASE WHEN x.only_day = 1 THEN 1 ELSE 0 END)
        + ${d.countDistinct("CASE WHEN x.only_day = 0 THEN x.uk END")} AS INTEGER) AS users,
      CAST(grouping(x.month_start) AS INTEGER) AS weekly
    FROM (
      SELECT u.uk AS uk, u.only_day AS only_day, u.r AS r, ${inWindowCohort("acq_month")} AS month_cohort,
        ${d.truncMonth("u.day_date")} AS month_start, ${inWindowCohort("acq_week")} AS week_cohort,
        ${d.truncWeek("u.day_date")} AS week_start
      FROM ${data.userDays} u WHERE ${IN_WINDOW_DAY("u.day_date")}) x
    GROUP BY GROUPING SETS ((x.r, x.month_cohort, x.month_start), (x.r, x.week_cohort, x.week_start))`,
  );
  try {
    await q.createTemp(
      t.activeMonth,
      `SELECT b.r AS r, b.month_cohort AS cohort, b.month_start AS period, b.users AS users
      FROM ${both} b WHERE b.weekly = 0`,
    );
    await q.createTemp(
      t.activeWeek,
      `SELECT b.r AS r, b.week_cohort AS cohort, b.week_start AS period, b.users AS users
      FROM ${both} b WHERE b.weekly = 1`,
    );
  } finally {
    await q.engine.dropTemp(both);
  }
  // converted: a new user whose first order (whole history) falls in the window.
  await q.createTemp(
    t.newUsers,
    `SELECT u.r AS r, u.acq_month AS acq_month, u.acq_week AS acq_week, CAST(count(*) AS INTEGER) AS users,
      CAST(sum(CASE WHEN b.uk IS NULL THEN 0 ELSE 1 END) AS INTEGER) AS converted
    FROM ${data.users} u
    LEFT JOIN (SELECT uk FROM ${data.buyers} WHERE ${IN_WINDOW_TS("first_order_ts")}) b ON b.uk = u.uk
    WHERE ${IN_WINDOW_DAY("u.acq_day")}
    GROUP BY u.r, u.acq_month, u.acq_week`,
  );
  await q.createTemp(
    t.seenCombos,
    `SELECT DISTINCT s.r AS r, s.sr AS sr FROM ${data.sessionCombos} s WHERE ${IN_WINDOW_DAY("s.day_date")}`,
  );
  await q.createTemp(
    t.lengths,
    `SELECT l.r AS r, l.len_s AS len_s, CAST(sum(l.sessions) AS BIGINT) AS sessions
    FROM ${data.dayLengths} l WHERE ${IN_WINDOW_DAY("l.day_date")} GROUP BY l.r, l.len_s`,
  );
}

/** New buyers, their lifetimes inside the window, the cohort cells, orders by month, attribution. */
async function buildNewBuyers(q: BoundSql, data: DataTables, t: WindowTables): Promise<void> {
  const { d } = q;
  await q.createTemp(
    t.newBuyers,
    `SELECT b.uk AS uk, b.r AS r, b.cohort AS cohort, b.first_order_ts AS first_order_ts,
      b.first_session_ts AS first_session_ts, b.is_user AS is_user, b.attributable AS attributable,
      b.acq_month AS acq_month, b.acq_week AS acq_week,
      CASE WHEN b.attributable = 1 THEN ${d.secondsBetween("b.first_session_ts", "b.first_order_ts")} END AS lag_s
    FROM ${data.buyers} b WHERE ${IN_WINDOW_TS("b.first_order_ts")}`,
  );
  await q.createTemp(
    t.lagBuckets,
    `SELECT b.r AS r, b.acq_month AS acq_month, b.acq_week AS acq_week, ${LAG_BUCKET_SQL("b.lag_s")} AS bucket,
      CAST(count(*) AS BIGINT) AS buyers
    FROM ${t.newBuyers} b WHERE b.attributable = 1
    GROUP BY b.r, b.acq_month, b.acq_week, ${LAG_BUCKET_SQL("b.lag_s")}`,
  );
  await q.createTemp(
    t.buyerCohorts,
    `SELECT b.r AS r, b.cohort AS cohort, CAST(count(*) AS BIGINT) AS buyers
    FROM ${t.newBuyers} b GROUP BY b.r, b.cohort`,
  );
  await q.createTemp(
    t.lifetimes,
    `SELECT x.uk AS uk, x.r AS r, x.cohort AS cohort, x.lifetime AS lifetime, CAST(sum(x.orders) AS BIGINT) AS orders,
      sum(x.revenue) AS revenue, sum(x.capped_revenue) AS capped_revenue
    FROM (
      SELECT o.uk AS uk, nb.r AS r, nb.cohort AS cohort,
        ${d.monthsBetween("nb.cohort", d.truncMonth("o.day_date"))} AS lifetime, o.orders AS orders, o.revenue AS revenue,
        o.capped_revenue AS capped_revenue
      FROM ${data.buyerDays} o JOIN ${t.newBuyers} nb ON nb.uk = o.uk WHERE ${IN_WINDOW_DAY("o.day_date")}) x
    GROUP BY x.uk, x.r, x.cohort, x.lifetime`,
  );
  await q.createTemp(
    t.cells,
    `SELECT l.r AS r, l.cohort AS cohort, l.lifetime AS lifetime, CAST(sum(l.orders) AS BIGINT) AS orders,
      sum(l.revenue) AS revenue, CAST(count(*) AS BIGINT) AS buyers
    FROM ${t.lifetimes} l GROUP BY l.r, l.cohort, l.lifetime`,
  );
  await q.createTemp(
    t.ordersMonth,
    `SELECT b.r AS r, ${d.truncMonth("o.day_date")} AS month_start, CAST(sum(o.orders) AS BIGINT) AS orders,
      sum(o.revenue) AS revenue
    FROM ${data.buyerDays} o JOIN ${data.buyers} b ON b.uk = o.uk WHERE ${IN_WINDOW_DAY("o.day_date")}
    GROUP BY b.r, ${d.truncMonth("o.day_date")}`,
  );
  // Each cell is rounded to 1e-12 as a DECIMAL: every later sum over cells is then exact and does not
  // depend on the order the engine's threads add them in (DOUBLE sums changed in the last digit).
  await q.createTemp(
    t.attrRevenue,
    `SELECT x.model AS model, x.dim AS dim, x.key AS key, x.r AS r, x.cohort AS cohort, x.lifetime AS lifetime,
      sum(CAST(CAST(x.rn AS DOUBLE) / x.d AS DECIMAL(38, 12))) AS revenue
    FROM (
      SELECT a.model AS model, a.dim AS dim, a.key AS key, l.r AS r, l.cohort AS cohort, l.lifetime AS lifetime,
        a.d AS d, sum(l.revenue * a.n) AS rn
      FROM ${t.lifetimes} l JOIN ${data.attr} a ON a.uk = l.uk
      GROUP BY a.model, a.dim, a.key, l.r, l.cohort, l.lifetime, a.d) x
    GROUP BY x.model, x.dim, x.key, x.r, x.cohort, x.lifetime`,
  );
  await q.createTemp(
    t.attrBuyers,
    `SELECT x.model AS model, x.dim AS dim, x.key AS key, x.r AS r, x.cohort AS cohort,
      sum(CAST(CAST(x.nn AS DOUBLE) / x.d AS DECIMAL(38, 12))) AS buyers
    FROM (
      SELECT a.model AS model, a.dim AS dim, a.key AS key, nb.r AS r, nb.cohort AS cohort, a.d AS d,
        sum(a.n) AS nn
      FROM ${t.newBuyers} nb JOIN ${data.attr} a ON a.uk = nb.uk
      GROUP BY a.model, a.dim, a.key, nb.r, nb.cohort, a.d) x
    GROUP BY x.model, x.dim, x.key, x.r, x.cohort`,
  );
}

/**
 * The trust tables of a window (below), built apart from the rest: they cost more than every other
 * window table together at 4M sessions, and a slice without trust numbers (the dashboard's first
 * request for a filter) never reads them, so cube.ts builds them apart: on the first slice that asks,
 * or (the server) in the background right after the point tables.
 */
export async function buildTrustTables(
  engine: Engine,
  data: DataTables,
  t: WindowTables,
  window: { from: string; to: string },
): Promise<void> {
  await buildBucketCells(new BoundSql(engine, { from: window.from, to: window.to }), data, t);
}

/**
 * The bootstrap's sufficient statistics (metrics/bootstrap.ts, metrics/intervals.ts): attributed
 * revenue (raw and capped) per (model, source key, combo, cohort, lifetime, user bucket) and attributed
 * buyers per (model, source key, combo, cohort, bucket). Any filter and horizon slices them by summing
 * rows, and B replicates are one join with the weights table. Source dimension only: intervals are
 * reported per source, cohort and overall, not per device. Sums stay exact decimals per bucket.
 *
 * Both come from one pass over the lifetimes joined with the weights, grouped by (model, key, combo,
 * cohort, lifetime, bucket, weight denominator d): the revenue sums per d, and the weights n per d at
 * lifetime 0, where every new buyer has exactly one row (the month of its first order), so they are
 * the new buyers' weights. Each is divided by its d and rounded as before, then summed without d. The
 * bucket hash is taken once per lifetime row, before the join. (Two joins and a hash per joined row
 * before: 2.4 CPU-s at 4M sessions, now 1.5.) The per-buyer revenue (buyer-memory.ts) is read from the
 * same join, sorted, and never stored.
 */
async function buildBucketCells(q: BoundSql, data: DataTables, t: WindowTables): Promise<void> {
  const bucket = q.d.bucketOf(`CAST(l.uk AS VARCHAR)`, BOOTSTRAP_DEFAULTS.buckets);
  const perDenominator = `${t.bucketRevenue}_by_d`;
  await q.createTemp(
    perDenominator,
    `SELECT a.model AS model, a.key AS key, l.r AS r, l.cohort AS cohort, l.lifetime AS lifetime,
      l.bucket AS bucket, a.d AS d, sum(l.revenue * a.n) AS rn, sum(l.capped_revenue * a.n) AS cn,
      sum(a.n) AS nn
    FROM (
      SELECT l.uk AS uk, l.r AS r, l.cohort AS cohort, l.lifetime AS lifetime, l.revenue AS revenue,
        l.capped_revenue AS capped_revenue, ${bucket} AS bucket
      FROM ${t.lifetimes} l) l
    JOIN ${data.attr} a ON a.uk = l.uk AND a.dim = 'source'
    GROUP BY a.model, a.key, l.r, l.cohort, l.lifetime, l.bucket, a.d`,
  );
  try {
    await q.createTemp(
      t.bucketRevenue,
      `SELECT x.model AS model, x.key AS key, x.r AS r, x.cohort AS cohort, x.lifetime AS lifetime,
        x.bucket AS bucket, sum(CAST(CAST(x.rn AS DOUBLE) / x.d AS DECIMAL(38, 12))) AS revenue,
        sum(CAST(CAST(x.cn AS DOUBLE) / x.d AS DECIMAL(38, 12))) AS capped_revenue
      FROM ${perDenominator} x
      GROUP BY x.model, x.key, x.r, x.cohort, x.lifetime, x.bucket`,
    );
    await q.createTemp(
      t.bucketBuyers,
      `SELECT x.model AS model, x.key AS key, x.r AS r, x.cohort AS cohort, x.bucket AS bucket,
        sum(CAST(CAST(x.nn AS DOUBLE) / x.d AS DECIMAL(38, 12))) AS buyers
      FROM ${perDenominator} x WHERE x.lifetime = 0
      GROUP BY x.model, x.key, x.r, x.cohort, x.bucket`,
    );
  } finally {
    await q.engine.dropTemp(perDenominator);
  }
}
