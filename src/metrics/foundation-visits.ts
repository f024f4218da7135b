import { FROM_DATE, FROM_TS, type MetricRun, TO_TS } from "./query.ts";
import { T } from "./temp-tables.ts";

/*
 * Visit-side building blocks. Visits are the big table (tens of millions of rows), so they are read
 * three times at most: one low-cardinality profile pass, one per-user pass, and (for last-touch and
 * linear attribution) one pass joined to buyers. Everything else works on these results.
 *
 * The per-user pass collects each user's day offsets in a list (DuckDB list functions); distinct
 * user-days, -weeks and -months then come from unnesting those lists instead of three more
 * high-cardinality GROUP BYs over the visits plus a join back to the users' cohorts.
 */

/** Facts of the window the later SQL needs as parameters. */
export interface VisitFacts {
  /** Whether every windowed user id in visits is a canonical unsigned 64-bit integer. */
  idsNumeric: boolean;
  /** Number of (source_id, device) combinations. */
  combos: number;
}

const IN_WINDOW = `v.start_ts >= ${FROM_TS} AND v.start_ts < ${TO_TS}`;

/** Pass 1: sessions by combo, by day and by length in one scan, plus the id check. */
export async function buildVisitProfile(run: MetricRun): Promise<VisitFacts> {
  const { d } = run;
  await run.run(`CREATE OR REPLACE TEMP TABLE ${T.profile} AS
    SELECT v.source_id, v.device, ${d.truncDay("v.start_ts")} AS day_date,
      ${d.secondsBetween("v.start_ts", "v.end_ts")} AS len_s,
      CAST(count(*) AS BIGINT) AS sessions, bool_and(${d.isCanonicalU64("v.user_id")}) AS ids_numeric
    FROM visits v WHERE ${IN_WINDOW}
    GROUP BY GROUPING SETS ((v.source_id, v.device), (day_date), (len_s))`);
  await run.run(`CREATE OR REPLACE TEMP TABLE ${T.combos} AS
    SELECT CAST(row_number() OVER (ORDER BY source_id, device) - 1 AS INTEGER) AS r, source_id, device
    FROM ${T.profile} WHERE source_id IS NOT NULL`);
  await run.run(`CREATE OR REPLACE TEMP TABLE ${T.calendar} AS
    SELECT CAST(i AS INTEGER) AS d, day_date, ${d.truncWeek("day_date")} AS week_start,
      ${d.truncMonth("day_date")} AS month_start
    FROM (SELECT i, ${FROM_DATE} + CAST(i AS INTEGER) AS day_date FROM range(CAST($days AS BIGINT)) t(i))`);
  const [row] = await run.all(`SELECT CAST(count(*) AS INTEGER) AS combos,
      coalesce(bool_and(ids_numeric), true) AS ids_numeric
    FROM ${T.profile} WHERE source_id IS NOT NULL`);
  return { idsNumeric: row?.ids_numeric === true, combos: Number(row?.combos ?? 0) };
}

/** How users are keyed inside the run: exact u64 when every id allows it (much faster), else text. */
export interface UserKey {
  /** SQL turning a user_id column into the run's key. */
  of(column: string): string;
  /** SQL type of the per-user first-session sort key; BIGINT unless it could overflow. */
  sortKeyType: "BIGINT" | "HUGEINT";
}

export function chooseUserKey(run: MetricRun, idsNumeric: boolean, combos: number, days: number): UserKey {
  // sort key = microseconds since `from` * combos + combo rank; BIGINT holds it below 2^62.
  const maxKey = days * 86_400_000_000 * Math.max(combos, 1);
  return {
    of: (column) => (idsNumeric ? run.d.toU64(column) : column),
    sortKeyType: maxKey < 2 ** 62 ? "BIGINT" : "HUGEINT",
  };
}

/**
 * Pass 2: one row per user with the first session by the tie-break order of docs/decisions.md
 * (start_ts, source_id, device; end_ts cannot change which source/device is first), then the
 * activity cells, after which the day lists are dropped.
 */
export async function buildUsers(run: MetricRun, key: UserKey): Promise<void> {
  const { d } = run;
  const kt = key.sortKeyType;
  const combos = `CAST($combos AS ${kt})`;
  await run.run(`CREATE OR REPLACE TEMP TABLE ${T.users} AS
    WITH per_user AS (
      SELECT ${key.of("v.user_id")} AS uk,
        min(CAST(${d.microsBetween(FROM_TS, "v.start_ts")} AS ${kt}) * ${combos} + c.r) AS first_key,
        CAST(count(*) AS INTEGER) AS sessions,
        list(${d.daysBetween(FROM_DATE, "v.start_ts")}) AS days
      FROM visits v JOIN ${T.combos} c ON c.source_id = v.source_id AND c.device = v.device
      WHERE ${IN_WINDOW}
      GROUP BY 1),
    firsts AS (
      SELECT uk, sessions, days, CAST(first_key % ${combos} AS INTEGER) AS first_r,
        ${d.addMicros(FROM_TS, `CAST(first_key // ${combos} AS BIGINT)`)} AS first_ts
      FROM per_user)
    SELECT uk, sessions, days, first_r, first_ts, ${d.truncMonth("first_ts")} AS cohort_month,
      ${d.truncWeek("first_ts")} AS cohort_week
    FROM firsts`);
  await buildActivityCells(run);
  await run.run(`ALTER TABLE ${T.users} DROP COLUMN days`);
}

/**
 * Distinct active users per (cohort month, cohort week, day). Each user's day offsets are sorted and
 * paired with the previous one: a day equal to its predecessor is a repeat (not counted), and a day
 * whose predecessor lies in another week / month is the user's first active day of that period, so
 * summing those flags over a period counts each user once: WAU, MAU and both retention grains.
 * Single-session users (most of them in real data) skip the list work.
 */
async function buildActivityCells(run: MetricRun): Promise<void> {
  await run.run(`CREATE OR REPLACE TEMP TABLE ${T.cells} AS
    WITH sorted AS (
      SELECT cohort_month, cohort_week, list_sort(days) AS days FROM ${T.users} WHERE sessions > 1),
    pairs AS (
      SELECT cohort_month, cohort_week, unnest(days) AS d,
        unnest(list_prepend(-1, days[1:len(days) - 1])) AS prev
      FROM sorted
      UNION ALL
      SELECT cohort_month, cohort_week, days[1], -1 FROM ${T.users} WHERE sessions = 1)
    SELECT p.cohort_month, p.cohort_week, p.d, CAST(count(*) FILTER (WHERE p.d <> p.prev) AS BIGINT) AS users,
      CAST(count(*) FILTER (WHERE b.month_start IS DISTINCT FROM c.month_start) AS BIGINT) AS month_first,
      CAST(count(*) FILTER (WHERE b.week_start IS DISTINCT FROM c.week_start) AS BIGINT) AS week_first
    FROM pairs p JOIN ${T.calendar} c ON c.d = p.d LEFT JOIN ${T.calendar} b ON b.d = p.prev
    GROUP BY ALL`);
}
