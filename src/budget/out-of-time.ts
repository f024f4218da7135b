import { geometricAdstock } from "./adstock.ts";
import { type DailyAcquisition, expectedBuyers, fitResponseCurve } from "./response-curve.ts";

/*
 * Out-of-time check of a response curve: fit on the first months, predict weekly new buyers in the
 * later ones from their spend, compare with what happened. A future month's own effect (its demand
 * level) is not known when it is predicted, so two predictions are scored:
 *   - "carried": the last fitted month's effect carried forward, no trend: a true forecast, whose error
 *     is mostly seasonal demand the model does not try to predict;
 *   - "level known": each future month rescaled to its actual total, so only the split of the month
 *     into weeks is predicted: the part the spend curve is responsible for.
 * Each is set against the same prediction with elasticity 0 (spend ignored), to show what spend adds.
 */

export interface OutOfTimeResult {
  fitMonths: string[];
  testMonths: string[];
  /** Full weeks (Monday to Sunday, every day with spend) inside the test months. */
  weeks: { start: string; actual: number; carried: number; levelKnown: number }[];
  meanWeeklyBuyers: number;
  mape: { carried: number; carriedSpendBlind: number; levelKnown: number; levelKnownSpendBlind: number };
  elasticity: number;
}

export function outOfTimeCheck(series: readonly DailyAcquisition[], fitMonthCount: number): OutOfTimeResult {
  const months = [...new Set(series.map((d) => d.day.slice(0, 7)))].sort();
  const fitMonths = months.slice(0, fitMonthCount);
  const testMonths = months.slice(fitMonthCount);
  if (testMonths.length === 0)
    throw new Error(`only ${months.length} months: nothing left to test after ${fitMonthCount}`);
  const inFit = (d: DailyAcquisition): boolean => fitMonths.includes(d.day.slice(0, 7));
  const fitted = series.filter(inFit);
  const curve = fitResponseCurve(fitted, { replicates: [] });
  const blind = { ...curve, elasticity: 0 };
  const adstock = geometricAdstock(
    series.map((d) => d.spend),
    curve.adstockDecay,
  );
  const last = fitMonths[fitMonths.length - 1]!;
  const daily = series
    .map((d, i) => ({ d, a: adstock[i]! }))
    .filter(({ d, a }) => !inFit(d) && d.spend !== null && d.spend > 0 && a > 0)
    .map(({ d, a }) => ({
      day: d.day,
      actual: d.newBuyers,
      carried: expectedBuyers(curve, d.day, a, { month: last, trend: false }),
      blind: expectedBuyers(blind, d.day, a, { month: last, trend: false }),
    }));
  // Level known: scale each month's predictions to its actual total.
  const scale = (key: "carried" | "blind"): Map<string, number> => {
    const out = new Map<string, number>();
    for (const m of testMonths) {
      const days = daily.filter((x) => x.day.startsWith(m));
      const predicted = days.reduce((s, x) => s + x[key], 0);
      out.set(m, predicted > 0 ? days.reduce((s, x) => s + x.actual, 0) / predicted : 0);
    }
    return out;
  };
  const known = scale("carried");
  const knownBlind = scale("blind");
  const weeks = fullWeeks(daily.map((x) => x.day)).map((days) => {
    const rows = daily.filter((x) => days.includes(x.day));
    const sum = (f: (x: (typeof rows)[number]) => number): number => rows.reduce((s, x) => s + f(x), 0);
    return {
      start: days[0]!,
      actual: sum((x) => x.actual),
      carried: sum((x) => x.carried),
      carriedBlind: sum((x) => x.blind),
      levelKnown: sum((x) => x.carried * known.get(x.day.slice(0, 7))!),
      levelKnownBlind: sum((x) => x.blind * knownBlind.get(x.day.slice(0, 7))!),
    };
  });
  const mape = (f: (w: (typeof weeks)[number]) => number): number =>
    weeks.reduce((s, w) => s + Math.abs(f(w) - w.actual) / w.actual, 0) / weeks.length;
  return {
    fitMonths,
    testMonths,
    weeks: weeks.map(({ start, actual, carried, levelKnown }) => ({ start, actual, carried, levelKnown })),
    meanWeeklyBuyers: weeks.reduce((s, w) => s + w.actual, 0) / Math.max(1, weeks.length),
    mape: {
      carried: mape((w) => w.carried),
      carriedSpendBlind: mape((w) => w.carriedBlind),
      levelKnown: mape((w) => w.levelKnown),
      levelKnownSpendBlind: mape((w) => w.levelKnownBlind),
    },
    elasticity: curve.elasticity,
  };
}

/** Runs of 7 consecutive days starting on a Monday, every day present (with spend). */
function fullWeeks(days: readonly string[]): string[][] {
  const present = new Set(days);
  const out: string[][] = [];
  for (const day of days) {
    if (new Date(`${day}T00:00:00Z`).getUTCDay() !== 1) continue;
    const week = Array.from({ length: 7 }, (_, k) =>
      new Date(Date.parse(`${day}T00:00:00Z`) + k * 86_400_000).toISOString().slice(0, 10),
    );
    if (week.every((d) => present.has(d))) out.push(week);
  }
  return out;
}
