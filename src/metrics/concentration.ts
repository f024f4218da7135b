import { UNATTRIBUTED } from "./attribution.ts";
import {
  type BuyerPart,
  type ConcentrationMemory,
  compareParts,
  ExactSum,
  topSum,
} from "./concentration-memory.ts";
import { sourceRowOrder } from "./id-order.ts";
import type { IntervalSpend } from "./intervals.ts";
import type { MetricRun } from "./query.ts";
import type { CohortConcentration, ConcentrationStats, SourceConcentration } from "./result.ts";
import { toDouble } from "./trust-memory.ts";

/*
 * How much of a number rests on a few customers. Per source (the run's attribution model, mature
 * cohorts, revenue in lifetimes 0..H−1, as ltv_h and romi_h): the top buyer's and the top 1 %'s share
 * of the revenue, ROMI without the top buyer, and the robust LTV / ROMI with every order capped at
 * the data's 99.9th percentile of order value (cube-data.ts). Per buyer cohort (all sources, revenue
 * in lifetimes 0..H−1 observed so far): the top buyer's share. Reads the window's per-buyer tables
 * (cube-window.ts: attributed revenue per buyer and lifetime, and the buyers' lifetimes), never visits.
 */

/** The top share of buyers whose revenue share is reported beside the top buyer's. */
export const TOP_SHARE = 0.01;

/**
 * `byCohort` of the same slice under another model may be passed in: it reads all sources' revenue
 * and does not depend on the model. `memory` holds the window's per-buyer revenue through lifetime
 * H−1 (concentration-memory.ts), `months` the window's months, `spend` the slice's spend per source in
 * its mature months (intervals.ts, readIntervalSpend).
 */
export function concentrationStats(
  run: MetricRun,
  memory: ConcentrationMemory,
  months: readonly string[],
  spend: IntervalSpend,
  byCohortShared?: CohortConcentration[],
): ConcentrationStats {
  if (memory.horizon !== run.options.horizon)
    throw new Error(
      `concentration memory of horizon ${memory.horizon} used at horizon ${run.options.horizon}`,
    );
  const combos = run.scope.combos === null ? null : new Set(run.scope.combos);
  const kept = (r: number) => (combos === null ? true : combos.has(r));
  return {
    bySource: bySource(run, memory, matureSet(months, run.options.horizon), kept, spend),
    byCohort: byCohortShared ?? byCohort(memory, kept),
  };
}

/** The cohorts whose lifetime H−1 the window observes (as cohort-cells.ts matureMonths). */
function matureSet(months: readonly string[], horizon: number): Set<string> {
  const last = months.length - 1;
  return new Set(months.filter((_, i) => last - i >= horizon - 1));
}

/**
 * Per source key of the run's model, over the slice's combos and mature cohorts: attributed buyers,
 * horizon revenue raw and capped, the top buyer and the top ceil(1 % · n) buyers' revenue (n = buyers
 * with a row, as the SQL's row count), against the source's mature spend.
 */
function bySource(
  run: MetricRun,
  memory: ConcentrationMemory,
  mature: Set<string>,
  kept: (r: number) => boolean,
  spend: IntervalSpend,
): SourceConcentration[] {
  const model = run.options.attribution;
  const keys = new Map<string, BuyerPart[]>();
  for (const part of memory.buyers) {
    if (part.model !== model || !kept(part.r) || !mature.has(part.cohort)) continue;
    const list = keys.get(part.key) ?? [];
    list.push(part);
    keys.set(part.key, list);
  }
  const margin = run.options.margin;
  const withheld = run.scope.withheld !== null;
  const out: SourceConcentration[] = [];
  for (const [key, parts] of keys) {
    const buyersSum = new ExactSum();
    const revenueSum = new ExactSum();
    const cappedSum = new ExactSum();
    let n = 0;
    for (const p of parts) {
      buyersSum.addSum(p.weight);
      revenueSum.addSum(p.revenue);
      cappedSum.addSum(p.capped);
      n += p.hi.length;
    }
    if (n === 0) continue;
    const buyers = buyersSum.value();
    const revenue = revenueSum.value();
    const capped = cappedSum.value();
    const top = topSum(parts, 1).value();
    const topShareRevenue = topSum(parts, Math.ceil(n / Math.round(1 / TOP_SHARE))).value();
    const source = key === "" ? UNATTRIBUTED : key;
    const costs = withheld ? null : (spend.bySource.get(key)?.mature ?? null);
    const per = (v: number, den: number | null) => (den !== null && den > 0 ? (margin * v) / den : null);
    out.push({
      source,
      revenue: margin * revenue,
      topBuyerShare: revenue > 0 ? top / revenue : null,
      topPercentShare: revenue > 0 ? topShareRevenue / revenue : null,
      ltvHRobust: per(capped, buyers),
      romiHRobust: per(capped, costs),
      romiHWithoutTopBuyer: per(revenue - top, costs),
    });
  }
  return out.sort((a, b) => sourceRowOrder(a.source, b.source));
}

/** Per buyer cohort (all sources, the slice's combos): the largest buyer's share of its revenue through H−1. */
function byCohort(memory: ConcentrationMemory, kept: (r: number) => boolean): CohortConcentration[] {
  const cohorts = new Map<string, { revenue: ExactSum; hi: number; lo: number }>();
  for (const part of memory.cohorts) {
    if (!kept(part.r)) continue;
    let c = cohorts.get(part.cohort);
    if (!c) {
      c = { revenue: new ExactSum(), hi: part.topHi, lo: part.topLo };
      cohorts.set(part.cohort, c);
    }
    c.revenue.addSum(part.revenue);
    if (compareParts(part.topHi, part.topLo, c.hi, c.lo) > 0) {
      c.hi = part.topHi;
      c.lo = part.topLo;
    }
  }
  return [...cohorts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([cohort, c]) => {
      const revenue = c.revenue.value();
      return { cohort, topBuyerShare: revenue > 0 ? toDouble(c.hi, c.lo) / revenue : null };
    });
}
