/** DAU / WAU / MAU series and headline means (spec "Product metrics", decisions.md "Product"). */
import type { ActivityRow } from "../../src/metrics/tables.ts";
import { type Grain, isPartial, periodOf, windowPeriods } from "./calendar.ts";
import type { Context } from "./context.ts";
import { mean } from "./numbers.ts";

/** One row per period touching the window (0 where nobody came); a session counts in its start period. */
export function activityRows(ctx: Context, grain: Grain): ActivityRow[] {
  const { from, to } = ctx.options;
  const users = new Map<string, Set<string>>();
  const sessions = new Map<string, number>();
  for (const s of ctx.sessions) {
    const p = periodOf(s.day, grain);
    const set = users.get(p) ?? new Set<string>();
    set.add(s.user_id);
    users.set(p, set);
    sessions.set(p, (sessions.get(p) ?? 0) + 1);
  }
  return windowPeriods(from, to, grain).map((period) => ({
    period,
    users: users.get(period)?.size ?? 0,
    sessions: sessions.get(period) ?? 0,
    partial: isPartial(period, grain, from, to),
  }));
}

/** Headline mean: over complete periods; over all periods when none is complete. */
export function headlineMean(rows: readonly ActivityRow[]): number | null {
  const complete = rows.filter((r) => !r.partial);
  return mean((complete.length > 0 ? complete : rows).map((r) => r.users));
}

/** The mean over all periods, reported beside the headline. */
export function allPeriodsMean(rows: readonly ActivityRow[]): number | null {
  return mean(rows.map((r) => r.users));
}

/** Mean over days with DAU > 0 of sessions / DAU. */
export function sessionsPerUserDay(daily: readonly ActivityRow[]): number | null {
  return mean(daily.filter((r) => r.users > 0).map((r) => r.sessions / r.users));
}
