/** Calendar-month arithmetic on `YYYY-MM` labels (cohorts are calendar months, docs/decisions.md). */

const MONTH = /^(\d{4})-(\d{2})$/;

/** Months since year 0 of a `YYYY-MM` label, so that differences are whole calendar months. */
export function monthIndex(month: string): number {
  const match = MONTH.exec(month);
  if (!match) throw new RangeError(`not a YYYY-MM month: "${month}"`);
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

/** The `YYYY-MM` label `n` months after `month`. */
export function addMonths(month: string, n: number): string {
  const i = monthIndex(month) + n;
  return `${String(Math.floor(i / 12)).padStart(4, "0")}-${String((i % 12) + 1).padStart(2, "0")}`;
}
