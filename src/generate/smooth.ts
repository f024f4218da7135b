import { MONTH_OF_DAY, PERIOD_MONTHS } from "./calendar.ts";

/**
 * Smoothing passes: each spreads a level over about one more day (variance +0.5 day²), so 3000
 * passes let it travel well beyond a month and the curve settles; 365 days x 3000 is a few ms.
 */
const PASSES = 3000;

/**
 * Daily weights `level(d) x factors[d]` whose calendar-month sums are exactly `monthTotals`, with a
 * level that changes smoothly from day to day, also across month boundaries: Tobler's pycnophylactic
 * interpolation (smooth with a [1, 2, 1] / 4 kernel, then rescale each month back to its total, and
 * repeat). Spreading a month's total evenly over its days instead would put a step on every 1st.
 * A month whose total is 0 stays 0. Pure arithmetic in a fixed order, so the result is deterministic.
 */
export function smoothMonthlyWeights(monthTotals: readonly number[], factors: readonly number[]): number[] {
  if (monthTotals.length !== PERIOD_MONTHS.length) throw new Error("one total per period month expected");
  const days = factors.length;
  let level = new Float64Array(days);
  let next = new Float64Array(days);
  const rescale = (): void => {
    for (const [m, month] of PERIOD_MONTHS.entries()) {
      let sum = 0;
      for (let d = month.firstDay; d <= month.lastDay; d++) sum += level[d]! * factors[d]!;
      const scale = sum > 0 ? monthTotals[m]! / sum : 0;
      for (let d = month.firstDay; d <= month.lastDay; d++) level[d]! *= scale;
    }
  };
  // Start from each month's total spread evenly, then alternate smoothing and rescaling.
  level.fill(1);
  rescale();
  for (let pass = 0; pass < PASSES; pass++) {
    for (let d = 0; d < days; d++) {
      // Reflecting ends: the curve is flat at the first and the last day of the period.
      const before = level[d > 0 ? d - 1 : d]!;
      const after = level[d < days - 1 ? d + 1 : d]!;
      next[d] = (before + 2 * level[d]! + after) / 4;
    }
    [level, next] = [next, level];
    rescale();
  }
  return Array.from(level, (l, d) => l * factors[d]!);
}

/** The weights of the days of month `m` (for a day-in-month sampler). */
export function monthSlice(weights: readonly number[], m: number): number[] {
  const month = PERIOD_MONTHS[m]!;
  return weights.slice(month.firstDay, month.lastDay + 1);
}

/** Sum of the weights of each calendar month. */
export function monthSums(weights: readonly number[]): number[] {
  const sums = new Array<number>(PERIOD_MONTHS.length).fill(0);
  weights.forEach((w, d) => {
    sums[MONTH_OF_DAY[d]!]! += w;
  });
  return sums;
}
