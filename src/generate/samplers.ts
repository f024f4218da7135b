import { AliasTable } from "./alias.ts";
import { dayIndex, MONTH_OF_DAY, PERIOD_DAYS, PERIOD_MONTHS, weekday } from "./calendar.ts";
import {
  COHORT_SIZES,
  DAY_SPIKES,
  HOUR_WEIGHTS,
  RETENTION,
  SESSION_LENGTH,
  SOURCES,
  WEEKDAY_FACTORS,
} from "./profile.ts";

/**
 * The profile compiled into ready-to-draw tables. Built once per run; every table is a pure
 * function of the profile, so building them never consumes random numbers.
 */
export interface Samplers {
  /** Day index of a user's first session. */
  acquisitionDay: AliasTable;
  /** Per calendar month: a day of that month, for sessions of returning users. */
  dayInMonth: AliasTable[];
  /** Minute of the day (0..1439) a session starts or an order is placed. */
  minuteOfDay: AliasTable;
  /** Session length in whole minutes. */
  sessionMinutes: AliasTable;
  /** Index into SOURCES, by user share. */
  source: AliasTable;
  /** returnProbability[c * months + m]: chance that a user of cohort c has sessions in month m > c. */
  returnProbability: Float64Array;
}

/** Relative weight of a day inside its month: weekday pattern times one-off spikes. */
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

export function buildSamplers(): Samplers {
  const months = PERIOD_MONTHS.length;
  if (COHORT_SIZES.length !== months) throw new Error("COHORT_SIZES must have one entry per period month");
  const factors = Array.from({ length: PERIOD_DAYS }, (_, d) => dayFactor(d));
  const monthTotals = new Array<number>(months).fill(0);
  factors.forEach((f, d) => {
    monthTotals[MONTH_OF_DAY[d]!]! += f;
  });
  // Each month gets exactly its cohort share; the day factors only shape it inside the month.
  const acquisitionWeights = factors.map((f, d) => {
    const m = MONTH_OF_DAY[d]!;
    return (COHORT_SIZES[m]! * f) / monthTotals[m]!;
  });
  const returnProbability = new Float64Array(months * months);
  for (let c = 0; c < months; c++) {
    for (let m = c + 1; m < months; m++) returnProbability[c * months + m] = plantedRetention(c, m - c);
  }
  return {
    acquisitionDay: new AliasTable(acquisitionWeights),
    dayInMonth: PERIOD_MONTHS.map((m) => new AliasTable(factors.slice(m.firstDay, m.lastDay + 1))),
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
