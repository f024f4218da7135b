import type { CalendarDay } from "./cube-window.ts";

/*
 * The window's months as every monthly table needs them, from the window's calendar (the same for every
 * filter): lifetime k of a cohort is k months after it, and a month is observed through the window's
 * last month, so lifetimes are 0..P-1 (P = months the window touches).
 */

/** The months the window touches, in order (YYYY-MM). */
export function windowMonths(calendar: readonly CalendarDay[]): string[] {
  const months: string[] = [];
  for (const { month } of calendar) if (months[months.length - 1] !== month) months.push(month);
  return months;
}

/**
 * Months whose lifetime H-1 is observed (mature cohort months): those at least H-1 months before the
 * window's last month.
 */
export function matureMonthList(months: readonly string[], horizon: number): string[] {
  return months.slice(0, Math.max(0, months.length - horizon + 1));
}

/** Months from `cohort` to the window's last month (the cohort's last observed lifetime). */
export function observedLifetimes(months: readonly string[], cohort: string): number {
  return months.length - 1 - months.indexOf(cohort);
}
