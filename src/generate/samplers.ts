import { AliasTable } from "./alias.ts";
import { dayIndex, MONTH_OF_DAY, PERIOD_DAYS, PERIOD_MONTHS, weekday } from "./calendar.ts";
import {
  COHORT_SIZES,
  DAY_SPIKES,
  HOUR_WEIGHTS,
  RETENTION,
  SESSION_LENGTH,
  SESSIONS,
  SOURCES,
  WEEKDAY_FACTORS,
} from "./profile.ts";
import { monthSlice, monthSums, smoothMonthlyWeights } from "./smooth.ts";

/**
 * The profile compiled into ready-to-draw tables. Built once per run; every table is a pure
 * function of the profile, so building them never consumes random numbers.
 */
export interface Samplers {
  /** Day index of a user's first session. */
  acquisitionDay: AliasTable;
  /** Per calendar month: a day of that month, for sessions of returning users (month 0: unused). */
  dayInMonth: AliasTable[];
  /** Minute of the day (0..1439) a session starts or an order is placed. */
  minuteOfDay: AliasTable;
  /** Session length in whole minutes. */
  sessionMinutes: AliasTable;
  /** Index into SOURCES, by user share. */
  source: AliasTable;
  /**
   * returnProbability[c * months + m]: chance that a user of cohort c draws a return to month m > c,
   * lowered for the early repeats that already land there (see returnProbabilities).
   */
  returnProbability: Float64Array;
}

/** Relative weight of a day on top of the smooth monthly level: weekday pattern times one-off spikes. */
export function dayFactor(day: number): number {
  return WEEKDAY_FACTORS[weekday(day)]! * (spikeByDay.get(day) ?? 1);
}

const spikeByDay = new Map(Object.entries(DAY_SPIKES).map(([date, f]) => [dayIndex(date), f]));

/** Activity level of calendar month m: its published cohort size over the mean cohort size. */
export function monthActivity(m: number): number {
  const mean = COHORT_SIZES.reduce((s, v) => s + v, 0) / COHORT_SIZES.length;
  return COHORT_SIZES[m]! / mean;
}

/** The planted retention of cohort month c in month c + k (k ≥ 1). */
export function plantedRetention(c: number, k: number): number {
  const month1 = RETENTION.month1First + RETENTION.month1Step * c;
  return month1 * k ** -RETENTION.decayExponent * monthActivity(c + k) ** RETENTION.seasonalExponent;
}

/** The relative weight of every day of the period (dayFactor). */
function dayFactors(): number[] {
  return Array.from({ length: PERIOD_DAYS }, (_, d) => dayFactor(d));
}

/**
 * Relative number of new users per day: each month gets exactly its cohort share, the day factors
 * shape it, and the level in between moves smoothly across month boundaries (no step on the 1st).
 */
export function acquisitionWeights(): number[] {
  if (COHORT_SIZES.length !== PERIOD_MONTHS.length) {
    throw new Error("COHORT_SIZES must have one entry per period month");
  }
  return smoothMonthlyWeights(COHORT_SIZES, dayFactors());
}

/**
 * spill[c * months + m]: probability that a user of cohort c has an early repeat session in month
 * m > c. Early repeats come 1 + floor(exponential) days after the acquisition day, whatever the month;
 * per repeat, P(in month m) = P(not same day) x P(day lands in m), and with 1 + geometric(ρ) repeats
 * P(none in m) = E[(1 - π)^K] = (1 - π)(1 - ρ) / (1 - ρ(1 - π)).
 */
export function earlyRepeatSpill(acquisition: readonly number[]): Float64Array {
  const months = PERIOD_MONTHS.length;
  const { earlyRepeatProbability, earlyRepeatMeanBeyondOne: mean, earlyRepeatMeanDays } = SESSIONS;
  const rho = mean / (1 + mean);
  // P(lag ≥ n days) for lag = 1 + floor(exponential(earlyRepeatMeanDays)).
  const atLeast = (n: number): number => (n <= 1 ? 1 : Math.exp(-(n - 1) / earlyRepeatMeanDays));
  const cohortWeight = monthSums(acquisition);
  const spill = new Float64Array(months * months);
  acquisition.forEach((w, a) => {
    const c = MONTH_OF_DAY[a]!;
    for (let m = c + 1; m < months; m++) {
      const { firstDay, lastDay } = PERIOD_MONTHS[m]!;
      const pi = (1 - SESSIONS.sameDayProbability) * (atLeast(firstDay - a) - atLeast(lastDay + 1 - a));
      const none = ((1 - pi) * (1 - rho)) / (1 - rho * (1 - pi));
      spill[c * months + m]! += (w / cohortWeight[c]!) * earlyRepeatProbability * (1 - none);
    }
  });
  return spill;
}

/**
 * The return draw per cohort c and month m > c: q = (p - s) / (1 - s), with p the planted retention
 * and s the early repeats' spill into m, so that P(session in m) = s + (1 - s)·q = p stays as planted.
 */
export function returnProbabilities(acquisition: readonly number[] = acquisitionWeights()): Float64Array {
  const months = PERIOD_MONTHS.length;
  const spill = earlyRepeatSpill(acquisition);
  const out = new Float64Array(months * months);
  for (let c = 0; c < months; c++) {
    for (let m = c + 1; m < months; m++) {
      const p = plantedRetention(c, m - c);
      const s = spill[c * months + m]!;
      if (s > p) throw new Error(`early repeats alone exceed the planted retention of cohort ${c} in ${m}`);
      out[c * months + m] = (p - s) / (1 - s);
    }
  }
  return out;
}

export function buildSamplers(): Samplers {
  const months = PERIOD_MONTHS.length;
  const acquisition = acquisitionWeights();
  const returnProbability = returnProbabilities(acquisition);
  // Expected first sessions of returning users per month, spread smoothly over the days like new users.
  const returns = PERIOD_MONTHS.map((_, m) =>
    COHORT_SIZES.slice(0, m).reduce((sum, size, c) => sum + size * returnProbability[c * months + m]!, 0),
  );
  const factors = dayFactors();
  const returnWeights = smoothMonthlyWeights(returns, factors);
  return {
    acquisitionDay: new AliasTable(acquisition),
    dayInMonth: PERIOD_MONTHS.map(
      (_, m) => new AliasTable(monthSlice(returns[m]! > 0 ? returnWeights : factors, m)),
    ),
    minuteOfDay: new AliasTable(Array.from({ length: 1440 }, (_, m) => HOUR_WEIGHTS[Math.floor(m / 60)]!)),
    sessionMinutes: new AliasTable(sessionLengthWeights()),
    source: new AliasTable(SOURCES.map((s) => s.userShare)),
    returnProbability,
  };
}

/** P(length = m minutes) for m = 0..maxMinutes: the point masses plus a rounded log-normal. */
export function sessionLengthWeights(): number[] {
  const { zeroShare, oneMinuteShare, medianMinutes, sigma, maxMinutes } = SESSION_LENGTH;
  const rest = 1 - zeroShare - oneMinuteShare;
  const cdf = (x: number): number => (x <= 0 ? 0 : normalCdf(Math.log(x / medianMinutes) / sigma));
  return Array.from({ length: maxMinutes + 1 }, (_, m) => {
    // The last bin takes the whole tail, so the weights sum to 1.
    const upper = m === maxMinutes ? 1 : cdf(m + 0.5);
    const p = rest * (upper - cdf(m - 0.5));
    return p + (m === 0 ? zeroShare : 0) + (m === 1 ? oneMinuteShare : 0);
  });
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26, error < 1.5e-7: far below sampling noise). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
