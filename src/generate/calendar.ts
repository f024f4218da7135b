/**
 * The sample's calendar: the Afisha period 2017-06-01 .. 2018-05-31 (365 days), as day indexes from
 * the first day and minutes from its midnight; Dates are only used to build tables once.
 */
export const PERIOD_FIRST_DAY = "2017-06-01";
export const PERIOD_LAST_DAY = "2018-05-31";
export const MINUTES_PER_DAY = 1440;

const DAY_MS = 86_400_000;
const firstMs = Date.parse(`${PERIOD_FIRST_DAY}T00:00:00Z`);

/** Number of days in the period. */
export const PERIOD_DAYS = Math.round((Date.parse(`${PERIOD_LAST_DAY}T00:00:00Z`) - firstMs) / DAY_MS) + 1;
/** Minutes from the period start to the last minute of its last day (23:59). */
export const LAST_MINUTE = PERIOD_DAYS * MINUTES_PER_DAY - 1;

/** `YYYY-MM-DD` of a day index (may run past the period: session ends and the planted late order). */
export function dayText(day: number): string {
  return new Date(firstMs + day * DAY_MS).toISOString().slice(0, 10);
}

/** Day of week of a day index, 0 = Monday. */
export function weekday(day: number): number {
  return (new Date(firstMs + day * DAY_MS).getUTCDay() + 6) % 7;
}

/** A calendar month of the period: its label and its days [firstDay, lastDay]. */
export interface PeriodMonth {
  label: string;
  firstDay: number;
  lastDay: number;
}

/** The calendar months of the period in order (12 for Afisha's). */
export const PERIOD_MONTHS: readonly PeriodMonth[] = (() => {
  const months: PeriodMonth[] = [];
  for (let d = 0; d < PERIOD_DAYS; d++) {
    const label = dayText(d).slice(0, 7);
    const last = months[months.length - 1];
    if (last?.label === label) last.lastDay = d;
    else months.push({ label, firstDay: d, lastDay: d });
  }
  return months;
})();

/** Month index (into PERIOD_MONTHS) of every day of the period. */
export const MONTH_OF_DAY: Int32Array = (() => {
  const out = new Int32Array(PERIOD_DAYS);
  PERIOD_MONTHS.forEach((m, i) => {
    out.fill(i, m.firstDay, m.lastDay + 1);
  });
  return out;
})();

/** Day index of a `YYYY-MM-DD` date. */
export function dayIndex(date: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - firstMs) / DAY_MS);
}
