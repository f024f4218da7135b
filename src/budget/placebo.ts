import type { DailyAcquisition } from "./response-curve.ts";

/**
 * The placebo of the validation: spend permuted across the days of each month, buyers kept, so month
 * levels stay and any day-to-day link between spend and buyers is chance.
 */
export function shuffleSpendWithinMonths(
  daily: readonly DailyAcquisition[],
  rand: () => number,
): DailyAcquisition[] {
  const out = daily.map((d) => ({ ...d }));
  const byMonth = new Map<string, number[]>();
  daily.forEach((d, i) => {
    const m = d.day.slice(0, 7);
    byMonth.set(m, [...(byMonth.get(m) ?? []), i]);
  });
  for (const idx of byMonth.values()) {
    const spends = idx.map((i) => daily[i]!.spend);
    for (let i = spends.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [spends[i], spends[j]] = [spends[j]!, spends[i]!];
    }
    idx.forEach((i, k) => {
      out[i]!.spend = spends[k]!;
    });
  }
  return out;
}
