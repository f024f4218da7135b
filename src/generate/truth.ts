import { PERIOD_FIRST_DAY, PERIOD_LAST_DAY, PERIOD_MONTHS } from "./calendar.ts";
import type { CostTable } from "./costs.ts";
import { plantedReturnsTruth } from "./planted-returns.ts";
import {
  CONVERSION_LAG,
  COST_NOISE,
  DAY_SPIKES,
  DEVICES,
  HOUR_WEIGHTS,
  ODDITIES,
  ORDER_VALUE,
  REPEAT_ORDERS,
  RETENTION,
  SESSION_LENGTH,
  SESSIONS,
  SOURCES,
  SWITCHING,
  WEEKDAY_FACTORS,
} from "./profile.ts";
import { monthActivity, plantedRetention, returnProbabilities } from "./samplers.ts";
import type { SimulationCounts } from "./simulate.ts";

/** Bumped whenever the same seed would produce different files. */
export const GENERATOR_VERSION = 2;

/**
 * truth.json: what was planted (parameters) and what came out (counts), so tests and the metrics can
 * be checked against known answers. Shares and probabilities are per user; money is in the files'
 * currency units.
 */
export function buildTruth(options: {
  seed: number;
  users: number;
  counts: SimulationCounts;
  costs: CostTable;
  plantedReturns?: boolean;
}): Record<string, unknown> {
  const { seed, users, counts, costs } = options;
  const round = (x: number): number => Math.round(x * 1e6) / 1e6;
  const cohorts = PERIOD_MONTHS.map((m) => m.label);
  const months = cohorts.length;
  const returnDraw = returnProbabilities();
  return {
    generator: "channelscope generate",
    generatorVersion: GENERATOR_VERSION,
    seed,
    users,
    period: { from: PERIOD_FIRST_DAY, to: PERIOD_LAST_DAY, toExclusive: "2018-06-01" },
    sources: SOURCES.map((s) => ({
      id: s.id,
      userShare: s.userShare,
      conversion: s.conversion,
      costPerUser: s.costPerUser,
      meanOrderValue: s.meanOrderValue,
      hasCosts: s.costPerUser !== null,
    })),
    devices: DEVICES.map((d) => ({
      device: d.device,
      share: round(d.share),
      conversionMultiplier: round(d.conversionMultiplier),
    })),
    switching: SWITCHING,
    acquisition: {
      note: "monthly shares of new users follow the published Afisha cohort sizes; the daily level moves smoothly across month boundaries (pycnophylactic interpolation) and the day factors shape it",
      monthShares: cohorts.map((month, i) => ({ month, activity: round(monthActivity(i)) })),
      weekdayFactorsMondayFirst: WEEKDAY_FACTORS,
      daySpikes: DAY_SPIKES,
      hourWeights: HOUR_WEIGHTS,
    },
    retention: {
      formula:
        "P(session in month c+k) = (month1First + month1Step*c) * k^-decayExponent * activity(c+k)^seasonalExponent",
      ...RETENTION,
      note: "early repeat sessions may land in later months; the return draw is lowered to (p - s) / (1 - s), s = that spill, so early repeats leave P(session in month c+k) as planted (visits just before later first orders add a little, as before)",
      planted: cohorts.map((cohort, c) => ({
        cohort,
        byLifetime: cohorts.slice(c + 1).map((_, i) => round(plantedRetention(c, i + 1))),
        returnDrawByLifetime: cohorts.slice(c + 1).map((_, i) => round(returnDraw[c * months + c + 1 + i]!)),
      })),
    },
    sessions: SESSIONS,
    sessionLengthMinutes: SESSION_LENGTH,
    conversionLag: CONVERSION_LAG,
    repeatOrders: REPEAT_ORDERS,
    orderValue: ORDER_VALUE,
    costNoise: COST_NOISE,
    // Only when planted, so the default truth.json stays byte-identical.
    ...(options.plantedReturns ? { plantedReturns: plantedReturnsTruth() } : {}),
    oddities: {
      sourcesWithoutCosts: SOURCES.filter((s) => s.costPerUser === null).map((s) => s.id),
      missingCostDay: {
        date: ODDITIES.missingCostDay,
        keptSource: ODDITIES.missingCostDayKeeps,
        missingRows: costs.missingRows,
      },
      zeroRevenueOrders: counts.zeroRevenueOrders,
      sessionsEndingBeforeStart: counts.sessionsEndingBeforeStart,
      ordersAfterPeriod: { count: 1, day: ODDITIES.lateOrderDay, minuteOfDay: ODDITIES.lateOrderMinuteOfDay },
    },
    counts: {
      users: counts.users,
      sessions: counts.sessions,
      buyers: counts.buyers,
      /** All rows of orders_log_us, including the one planted after the period. */
      orders: counts.orders,
      ordersInPeriod: counts.orders - 1,
      revenue: counts.revenueCents / 100,
      repeatOrdersAfterPeriodNotWritten: counts.repeatOrdersAfterPeriod,
      costRows: costs.rows,
      costs: costs.totalCents / 100,
    },
  };
}
