import type { CalendarDay } from "./cube-window.ts";
import type { RetentionStats } from "./result.ts";
import type { CohortGrain, RetentionRow } from "./tables.ts";
import { type ActiveTable, rowsOf, type WindowMemory } from "./window-memory.ts";

/**
 * Retention(c, k): users of acquisition cohort c with a session in period c + k / size of c, at the
 * chosen grain. One row per cohort x lifetime 0..P-1 (P = periods the window touches); a cell whose
 * period is after the window's last period is unobserved: users and retention null. Cohort sizes and
 * active users are the chosen combos' rows of the window's memory, summed (users add up across combos:
 * each user has one acquisition combo); the periods come from the window's calendar.
 */
export function retentionMatrix(
  memory: WindowMemory,
  combos: readonly number[] | null,
  calendar: readonly CalendarDay[],
  grain: CohortGrain,
): RetentionRow[] {
  const periods = periodsOf(calendar, grain);
  const sizes = new Map<string, number>();
  for (const rows of rowsOf(memory.newUsers, combos))
    for (const n of rows) {
      const cohort = grain === "month" ? n.month : n.week;
      sizes.set(cohort, (sizes.get(cohort) ?? 0) + n.users);
    }
  const table = grain === "month" ? memory.activeMonth : memory.activeWeek;
  const sums = new Float64Array(table.cohortCells.length);
  for (const rows of rowsOf(table.rows, combos))
    for (const a of rows) if (a.cell >= 0) sums[a.cell]! += a.users;
  const cellOf = cellIndex(table);
  return [...sizes]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([cohort, size]) => {
      // Periods from the cohort to the window's last period: the cohort's last observed lifetime.
      const observed = periods.length - 1 - periods.indexOf(cohort);
      const cells = cellOf.get(cohort);
      return periods.map((_, lifetime) => {
        const i = cells?.get(lifetime);
        const users = i === undefined ? 0 : sums[i]!;
        const seen = observed >= lifetime;
        return {
          cohort,
          lifetime,
          cohort_size: size,
          users: seen ? users : null,
          retention: seen ? (size === 0 ? null : users / size) : null,
        };
      });
    });
}

/** The periods (months, or weeks' Mondays) the calendar touches, in order; once per window and grain. */
const periodLists = new WeakMap<readonly CalendarDay[], Partial<Record<CohortGrain, string[]>>>();

function periodsOf(calendar: readonly CalendarDay[], grain: CohortGrain): string[] {
  let byGrain = periodLists.get(calendar);
  if (!byGrain) {
    byGrain = {};
    periodLists.set(calendar, byGrain);
  }
  let periods = byGrain[grain];
  if (!periods) {
    const seen = new Set<string>();
    for (const day of calendar) seen.add(grain === "month" ? day.month : day.week);
    periods = [...seen];
    byGrain[grain] = periods;
  }
  return periods;
}

/** Cohort → lifetime → index of the table's (cohort, lifetime) cell; once per window table. */
const cellIndexes = new WeakMap<ActiveTable, Map<string, Map<number, number>>>();

function cellIndex(table: ActiveTable): Map<string, Map<number, number>> {
  let index = cellIndexes.get(table);
  if (!index) {
    index = new Map();
    for (const [i, { cohort, lifetime }] of table.cohortCells.entries()) {
      let byLifetime = index.get(cohort);
      if (!byLifetime) {
        byLifetime = new Map();
        index.set(cohort, byLifetime);
      }
      // A window's cells are distinct (cohort, lifetime) pairs: one index each.
      byLifetime.set(lifetime, i);
    }
    cellIndexes.set(table, index);
  }
  return index;
}

/** Plain mean over cohorts of each lifetime's observed cells, with how many cohorts it covers. */
export function retentionStats(rows: RetentionRow[], grain: CohortGrain): RetentionStats {
  const byLifetime = new Map<number, number[]>();
  for (const row of rows) {
    const values = byLifetime.get(row.lifetime) ?? [];
    if (row.retention !== null) values.push(row.retention);
    byLifetime.set(row.lifetime, values);
  }
  const meanByLifetime = [...byLifetime].map(([lifetime, values]) => ({
    lifetime,
    retention: values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null,
    cohorts: values.length,
  }));
  return { grain, meanByLifetime };
}
