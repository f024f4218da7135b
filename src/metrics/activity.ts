import { bool, type MetricRun, num, text } from "./query.ts";
import type { ActivityStats, PeriodMean } from "./result.ts";
import type { ActivityRow } from "./tables.ts";

export interface ActivitySeries {
  daily: ActivityRow[];
  weekly: ActivityRow[];
  monthly: ActivityRow[];
}

type Grain = "day" | "week" | "month";

/**
 * DAU / WAU / MAU series over every period the window touches (0 where nobody came). Users of a period
 * are distinct users with a session starting in it; a period is partial when it starts before `from`
 * or ends after `to`.
 */
export async function activitySeries(run: MetricRun): Promise<ActivitySeries> {
  return {
    daily: await series(run, "day"),
    weekly: await series(run, "week"),
    monthly: await series(run, "month"),
  };
}

async function series(run: MetricRun, grain: Grain): Promise<ActivityRow[]> {
  const { d, t } = run;
  const period = grain === "day" ? "day_date" : grain === "week" ? "week_start" : "month_start";
  const trunc = grain === "day" ? d.truncDay : grain === "week" ? d.truncWeek : d.truncMonth;
  const format = grain === "month" ? d.formatMonth : d.formatDay;
  // Distinct users of a week or month come from the cube's per-period counts (a user is active in a
  // period once, whichever days); per day they are the day's counts.
  const users =
    grain === "day"
      ? `SELECT a.day_date AS period, sum(a.users) AS users FROM ${t.actDay} a
        WHERE ${run.inCombos("a.r")} GROUP BY a.day_date`
      : `SELECT a.period AS period, sum(a.users) AS users FROM ${grain === "week" ? t.activeWeek : t.activeMonth} a
        WHERE ${run.inCombos("a.r")} GROUP BY a.period`;
  const rows = await run.all(`
    WITH cal AS (
      SELECT c.${period} AS period, min(c.day_date) AS first_day, max(c.day_date) AS last_day
      FROM ${t.calendar} c GROUP BY c.${period}),
    u AS (${users}),
    s AS (
      SELECT c.${period} AS period, sum(a.sessions) AS sessions
      FROM ${t.actDay} a JOIN ${t.calendar} c ON c.day_date = a.day_date
      WHERE ${run.inCombos("a.r")} GROUP BY c.${period})
    SELECT ${format("cal.period")} AS period, CAST(coalesce(u.users, 0) AS INTEGER) AS users,
      CAST(coalesce(s.sessions, 0) AS INTEGER) AS sessions,
      CASE WHEN cal.first_day = cal.period AND ${trunc(d.addDays("cal.last_day", "1"))} = ${d.addDays("cal.last_day", "1")}
        THEN 0 ELSE 1 END AS partial
    FROM cal LEFT JOIN u ON u.period = cal.period LEFT JOIN s ON s.period = cal.period
    ORDER BY cal.period`);
  return rows.map((r) => ({
    period: text(r.period),
    users: num(r.users),
    sessions: num(r.sessions),
    partial: bool(r.partial),
  }));
}

/** Headline means (complete periods), sticky factors and sessions per user per day, from the series. */
export function activityStats(s: ActivitySeries): ActivityStats {
  const dau = periodMean(s.daily);
  const wau = periodMean(s.weekly);
  const mau = periodMean(s.monthly);
  const activeDays = s.daily.filter((day) => day.users > 0);
  return {
    dau,
    wau,
    mau,
    stickyWau: ratio(dau.mean, wau.mean),
    stickyMau: ratio(dau.mean, mau.mean),
    sessionsPerUserDay: mean(activeDays.map((day) => day.sessions / day.users)),
  };
}

function periodMean(rows: ActivityRow[]): PeriodMean {
  const complete = rows.filter((row) => !row.partial);
  const all = mean(rows.map((row) => row.users));
  return {
    mean: complete.length > 0 ? mean(complete.map((row) => row.users)) : all,
    meanAllPeriods: all,
    periods: rows.length,
    completePeriods: complete.length,
    fromPartialPeriods: complete.length === 0 && rows.length > 0,
  };
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, v) => sum + v, 0) / values.length;
}

function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b === 0 ? null : a / b;
}
