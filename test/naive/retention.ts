/** Retention(c, k) by acquisition cohort, month or ISO-week grain (spec "Retention"). */
import type { RetentionRow } from "../../src/metrics/tables.ts";
import { addPeriods, isObserved, periodOf, windowPeriods } from "./calendar.ts";
import { acquisitionCohort, type Context } from "./context.ts";
import { compareText, mean } from "./numbers.ts";

/**
 * Rows for every acquisition cohort (a period with at least one new user) and every lifetime
 * 0..P-1, P = number of periods of that grain touching the window. Cells whose period c+k starts on
 * or after `to` are unobserved: users and retention null.
 */
export function retentionRows(ctx: Context): RetentionRow[] {
  const grain = ctx.options.cohortGrain;
  const cohorts = new Map<string, Set<string>>();
  for (const user of ctx.users) {
    const c = acquisitionCohort(ctx, user, grain)!;
    const set = cohorts.get(c) ?? new Set<string>();
    set.add(user);
    cohorts.set(c, set);
  }
  const activeIn = new Map<string, Set<string>>();
  for (const s of ctx.sessions) {
    const p = periodOf(s.day, grain);
    const set = activeIn.get(p) ?? new Set<string>();
    set.add(s.user_id);
    activeIn.set(p, set);
  }
  const lifetimes = windowPeriods(ctx.options.from, ctx.options.to, grain).length;
  const rows: RetentionRow[] = [];
  for (const cohort of [...cohorts.keys()].sort(compareText)) {
    const members = cohorts.get(cohort)!;
    for (let k = 0; k < lifetimes; k++) {
      const period = addPeriods(cohort, k, grain);
      if (!isObserved(period, grain, ctx.options.to)) {
        rows.push({ cohort, lifetime: k, cohort_size: members.size, users: null, retention: null });
        continue;
      }
      const active = activeIn.get(period);
      let users = 0;
      for (const u of members) if (active?.has(u)) users++;
      rows.push({ cohort, lifetime: k, cohort_size: members.size, users, retention: users / members.size });
    }
  }
  return rows;
}

export interface RetentionAverage {
  lifetime: number;
  /** Plain mean of the observed cells at this lifetime. */
  retention: number | null;
  /** How many cohorts the mean covers. */
  cohorts: number;
}

/** Average over cohorts of observed cells only, with the number of cohorts it covers. */
export function retentionAverages(rows: readonly RetentionRow[]): RetentionAverage[] {
  const byLifetime = new Map<number, number[]>();
  for (const r of rows) {
    const list = byLifetime.get(r.lifetime) ?? [];
    if (r.retention !== null) list.push(r.retention);
    byLifetime.set(r.lifetime, list);
  }
  return [...byLifetime]
    .sort((a, b) => a[0] - b[0])
    .map(([lifetime, values]) => ({ lifetime, retention: mean(values), cohorts: values.length }));
}
