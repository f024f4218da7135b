/**
 * Calendar helpers for the naive reference. Timestamps are zone-less wall clock: every computation
 * goes through `Date.UTC` / `getUTC*` so the machine's time zone never matters.
 */

export type Grain = "day" | "week" | "month";

const TS_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?$/;

/** Seconds since 1970-01-01 00:00:00 of a wall-clock `YYYY-MM-DD[ HH:MM[:SS[.fff]]]`, as if it were UTC. */
export function tsSeconds(ts: string): number {
  const m = TS_RE.exec(ts);
  if (!m) throw new Error(`naive: bad timestamp ${JSON.stringify(ts)}`);
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = ""] = m;
  const whole = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000;
  return frac === "" ? whole : whole + Number(`0.${frac}`);
}

/** `YYYY-MM-DD` of a timestamp or date string. */
export function dayOf(ts: string): string {
  return ts.slice(0, 10);
}

/** `YYYY-MM` of a timestamp or date string. */
export function monthOf(ts: string): string {
  return ts.slice(0, 7);
}

/** Whole days since 1970-01-01. */
export function dayNumber(day: string): number {
  return Math.round(tsSeconds(dayOf(day)) / 86400);
}

export function dayFromNumber(n: number): string {
  return new Date(n * 86400 * 1000).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return dayFromNumber(dayNumber(day) + n);
}

/** The Monday (ISO week start) of the week containing `day`. */
export function isoWeekMonday(day: string): string {
  const n = dayNumber(day);
  const weekday = new Date(n * 86400 * 1000).getUTCDay(); // 0 = Sunday
  const sinceMonday = (weekday + 6) % 7;
  return dayFromNumber(n - sinceMonday);
}

/** Months since year 0: `YYYY-MM` → y * 12 + (m - 1). */
export function monthIndex(month: string): number {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

export function monthFromIndex(i: number): string {
  const y = Math.floor(i / 12);
  const m = i - y * 12 + 1;
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}`;
}

export function addMonths(month: string, k: number): string {
  return monthFromIndex(monthIndex(month) + k);
}

/** The period (day `YYYY-MM-DD`, week Monday `YYYY-MM-DD`, month `YYYY-MM`) containing `day`. */
export function periodOf(day: string, grain: Grain): string {
  if (grain === "day") return dayOf(day);
  if (grain === "week") return isoWeekMonday(dayOf(day));
  return monthOf(day);
}

/** First day of a period. */
export function periodStart(period: string, grain: Grain): string {
  return grain === "month" ? `${period}-01` : period;
}

/** The period `k` periods after `period`. */
export function addPeriods(period: string, k: number, grain: Grain): string {
  if (grain === "day") return addDays(period, k);
  if (grain === "week") return addDays(period, 7 * k);
  return addMonths(period, k);
}

/** First day of the period after `period` (exclusive end). */
export function periodEnd(period: string, grain: Grain): string {
  return periodStart(addPeriods(period, 1, grain), grain);
}

/** Whole periods from `from` to `to` (both periods of the same grain). */
export function periodsBetween(from: string, to: string, grain: Grain): number {
  if (grain === "month") return monthIndex(to) - monthIndex(from);
  const days = dayNumber(to) - dayNumber(from);
  return grain === "week" ? days / 7 : days;
}

/** Every period touching the window [from, to) (days), in order. */
export function windowPeriods(from: string, to: string, grain: Grain): string[] {
  const out: string[] = [];
  if (from >= to) return out;
  const last = periodOf(addDays(to, -1), grain);
  for (let p = periodOf(from, grain); p <= last; p = addPeriods(p, 1, grain)) out.push(p);
  return out;
}

/** A period is observed when it starts before `to` (decisions.md). */
export function isObserved(period: string, grain: Grain, to: string): boolean {
  return periodStart(period, grain) < to;
}

/** A period is partial when it starts before `from` or ends after `to` (decisions.md). */
export function isPartial(period: string, grain: Grain, from: string, to: string): boolean {
  return periodStart(period, grain) < from || periodEnd(period, grain) > to;
}
