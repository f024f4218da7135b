import { AliasTable } from "./alias.ts";
import { MONTH_OF_DAY, PERIOD_DAYS, PERIOD_MONTHS } from "./calendar.ts";
import type { Sfc32 } from "./prng.ts";
import { PLANTED_RETURNS, SOURCES } from "./profile.ts";

/** The planted spend and the acquisition draw that responds to it (profile.ts, PLANTED_RETURNS). */
export interface PlantedReturns {
  /** spendCents[s * PERIOD_DAYS + day]: planted spend of SOURCES[s] that day (0 for free sources). */
  spendCents: Float64Array;
  /** Draws a cell s * PERIOD_DAYS + day: the source and the day of a new user's first session. */
  acquisition: AliasTable;
}

/**
 * Plants the spend first (it is the cause), then weights each (source, day) cell by demand x
 * adstock^elasticity, rescaled per (source, month) so that month totals stay as without planting.
 * `demand` is the relative number of new users per day (samplers.acquisitionWeights); `users` scales
 * the spend level to cost per user x the users expected in the month.
 */
export function plantReturns(demand: readonly number[], users: number, rng: Sfc32): PlantedReturns {
  const { adstockDecay, spendSigma, elasticity } = PLANTED_RETURNS;
  const totalDemand = demand.reduce((s, w) => s + w, 0);
  const monthDemand = PERIOD_MONTHS.map((m) =>
    demand.slice(m.firstDay, m.lastDay + 1).reduce((s, w) => s + w, 0),
  );
  const spendCents = new Float64Array(SOURCES.length * PERIOD_DAYS);
  const weights = new Array<number>(SOURCES.length * PERIOD_DAYS).fill(0);
  SOURCES.forEach((source, s) => {
    const o = s * PERIOD_DAYS;
    const beta = elasticity[source.id];
    if (source.costPerUser === null || beta === undefined) {
      for (let d = 0; d < PERIOD_DAYS; d++) weights[o + d] = source.userShare * demand[d]!;
      return;
    }
    let adstock = 0;
    const response = new Float64Array(PERIOD_DAYS);
    for (let d = 0; d < PERIOD_DAYS; d++) {
      const m = MONTH_OF_DAY[d]!;
      const month = PERIOD_MONTHS[m]!;
      const expectedUsersPerDay =
        (users * source.userShare * monthDemand[m]!) / totalDemand / (month.lastDay - month.firstDay + 1);
      const factor = Math.exp(spendSigma * rng.normal() - (spendSigma * spendSigma) / 2);
      const cents = Math.round(source.costPerUser * expectedUsersPerDay * factor * 100);
      spendCents[o + d] = cents;
      adstock = d === 0 ? cents : (1 - adstockDecay) * cents + adstockDecay * adstock;
      response[d] = adstock > 0 ? adstock ** beta : 0;
    }
    for (const month of PERIOD_MONTHS) {
      let plain = 0;
      let responding = 0;
      for (let d = month.firstDay; d <= month.lastDay; d++) {
        plain += demand[d]!;
        responding += demand[d]! * response[d]!;
      }
      const scale = responding > 0 ? plain / responding : 0;
      for (let d = month.firstDay; d <= month.lastDay; d++) {
        weights[o + d] = source.userShare * demand[d]! * response[d]! * scale;
      }
    }
  });
  return { spendCents, acquisition: new AliasTable(weights) };
}

/** What truth.json says about the planting. */
export function plantedReturnsTruth(): Record<string, unknown> {
  return {
    model:
      "E[new users of paid source s on day d] = K(s, month) * demand(d) * adstock(s, d)^elasticity(s); buyers follow users through the source's conversion, so new buyers have the same elasticity",
    adstock:
      "adstock(s, d) = (1 - decay) * spend(s, d) + decay * adstock(s, d - 1), adstock(s, 0) = spend(s, 0)",
    adstockDecay: PLANTED_RETURNS.adstockDecay,
    spend:
      "spend(s, d) = costPerUser(s) * expected new users of s per day in d's month * exp(sigma * z - sigma^2 / 2), z standard normal, independent per day",
    spendSigma: PLANTED_RETURNS.spendSigma,
    monthScale: "K(s, month) keeps each month's expected new users of s as without planting",
    elasticity: SOURCES.filter((s) => PLANTED_RETURNS.elasticity[s.id] !== undefined).map((s) => ({
      source: s.id,
      elasticity: PLANTED_RETURNS.elasticity[s.id]!,
      marginalUsersPerUnitSpend: PLANTED_RETURNS.elasticity[s.id]! / s.costPerUser!,
    })),
  };
}
