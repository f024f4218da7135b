import type { CalendarDay } from "./cube-window.ts";
import type { ActivityStats, PeriodMean } from "./result.ts";
import type { ActivityRow } from "./tables.ts";
import { type ActiveTable, rowsOf, type WindowMemory } from "./window-memory.ts";

export interface ActivitySeries {
  daily: ActivityRow[];
  weekly: ActivityRow[];
  monthly: ActivityRow[];
}

type Grain = "day" | "week" | "month";

/**
 * DAU / WAU / MAU series over every period the window touches (0 where nobody came). Users of a period
 * are distinct users with a session starting in it; a period is partial when it starts before `from`
 * or ends after `to`. Users per day, week and month (a user is active in a week or month once,
 * whichever days: the cube's per-period counts) and sessions per day are the chosen combos' rows of
 * the window's memory, summed; the periods, their sessions and whether they are partial come from the
 * window's calendar.
 */
export function activitySeries(
  memory: WindowMemory,
  combos: readonly number[] | null,
  calendar: readonly CalendarDay[],
): ActivitySeries {
  const dayUsers = new Float64Array(memory.days.cells.length);
  const daySessions = new Float64Array(memory.days.cells.length);
  for (const rows of rowsOf(memory.days.rows, combos))
    for (const r of rows) {
      dayUsers[r.k]! += r.users;
      daySessions[r.k]! += r.sessions;
    }
  const periodUsers = (table: ActiveTable) => {
    const sums = new Float64Array(table.periods.length);
    for (const rows of rowsOf(table.rows, combos)) for (const r of rows) sums[r.period]! += r.users;
    return new Map(table.periods.map((period, i) => [period, sums[i]!]));
  };
  // Periods no chosen combo has a row for sum to 0: nobody came.
  const days = memory.days.cells;
  const users: Record<Grain, Map<string, number>> = {
    day: new Map(days.map((day, i) => [day, dayUsers[i]!])),
    week: periodUsers(memory.activeWeek),
    month: periodUsers(memory.activeMonth),
  };
  const sessionsOn = new Map(days.map((day, i) => [day, daySessions[i]!]));
  const shapes = periodShapes(calendar);
  const series = (grain: Grain): ActivityRow[] =>
    shapes[grain].map(({ period, days, partial }) => {
      let sessions = 0;
      for (const day of days) sessions += sessionsOn.get(day) ?? 0;
      return { period, users: users[grain].get(period) ?? 0, sessions, partial };
    });
  return { daily: series("day"), weekly: series("week"), monthly: series("month") };
}

/** A period of the window's calendar: its days in order, and whether the window cuts it. */
interface PeriodShape {
  period: string;
  days: string[];
  partial: boolean;
}

/** The calendar's periods per grain, made once per window (they do not depend on the filter). */
const shapesOf = new WeakMap<readonly CalendarDay[], Record<Grain, PeriodShape[]>>();

function periodShapes(calendar: readonly CalendarDay[]): Record<Grain, PeriodShape[]> {
  let shapes = shapesOf.get(calendar);
  if (!shapes) {
    const of = (grain: Grain): PeriodShape[] => {
      const periods = new Map<string, string[]>();
      for (const { day, week, month } of calendar) {
        const period = grain === "day" ? day : grain === "week" ? week : month;
        const days = periods.get(period);
        if (days) days.push(day);
        else periods.set(period, [day]);
      }
      return [...periods].map(([period, days]) => ({
        period,
        days,
        partial: !(isPeriodStart(grain, days[0]!) && isPeriodStart(grain, nextDay(days.at(-1)!))),
      }));
    };
    shapes = { day: of("day"), week: of("week"), month: of("month") };
    shapesOf.set(calendar, shapes);
  }
  return shapes;
}

/** Whether `day` (YYYY-MM-DD) is the first day of its day / week (Monday) / month. */
function isPeriodStart(grain: Grain, day: string): boolean {
  if (grain === "day") return true;
  if (grain === "month") return day.endsWith("-01");
  return new Date(`${day}T00:00:00Z`).getUTCDay() === 1;
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
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
