import { UNATTRIBUTED } from "./attribution.ts";
import type { BuyerMemory, BuyerTable } from "./buyer-memory.ts";
import { buyerTops } from "./buyer-tops.ts";
import { compareExact, ExactSum, toDouble } from "./exact-parts.ts";
import { sourceRowOrder } from "./id-order.ts";
import type { IntervalSpend } from "./intervals.ts";
import { ATTRIBUTIONS } from "./options.ts";
import type { MetricRun } from "./query.ts";
import type { CohortConcentration, ConcentrationStats, SourceConcentration } from "./result.ts";

/*
 * How much of a number rests on a few customers. Per source (the run's attribution model, mature
 * cohorts, revenue in lifetimes 0..H−1, as ltv_h and romi_h): the top buyer's and the top 1 %'s share
 * of the revenue, ROMI without the top buyer, and the robust LTV / ROMI with every order capped at
 * the data's 99.9th percentile of order value (cube-data.ts). Per buyer cohort (all sources, revenue
 * in lifetimes 0..H−1 observed so far): the top buyer's share.
 *
 * From the window's per-buyer revenue in memory (buyer-memory.ts, read once per window for every
 * horizon): a buyer counts with its row of the last lifetime below H, as the SQL this replaced took
 * it (test/helpers/sql-concentration.ts keeps that SQL as the oracle); sums and the ranking are exact.
 */

/** The top share of buyers whose revenue share is reported beside the top buyer's. */
export const TOP_SHARE = 0.01;

/**
 * `spend` is the slice's spend as the intervals fix it (its mature spend per source is ROMI's
 * denominator). `byCohort` of the same slice under another model may be passed in: it reads all
 * sources' revenue and does not depend on the model.
 */
export function concentrationStats(
  run: MetricRun,
  memory: BuyerMemory,
  months: readonly string[],
  spend: IntervalSpend,
  byCohortShared?: CohortConcentration[],
): ConcentrationStats {
  return {
    bySource: bySource(run, memory, spend),
    byCohort: byCohortShared ?? byCohort(run, memory.all, months),
  };
}

function bySource(run: MetricRun, memory: BuyerMemory, spend: IntervalSpend): SourceConcentration[] {
  const table = memory.attributed;
  const H = run.options.horizon;
  const model = ATTRIBUTIONS.indexOf(run.options.attribution);
  const kept = keptCombos(run);
  const [models, keys, combos, cohorts] = table.codes as [Int32Array, Int32Array, Int32Array, Int32Array];
  // The slice's parts per source code: its model and combos, mature cohorts (lifetime H−1 observed).
  const byKey = new Map<number, number[]>();
  for (let p = 0; p < table.start.length - 1; p++) {
    if (models[p] !== model || !kept(combos[p]!) || table.months - 1 - cohorts[p]! < H - 1) continue;
    const list = byKey.get(keys[p]!) ?? [];
    list.push(p);
    byKey.set(keys[p]!, list);
  }
  const margin = run.options.margin;
  const withheld = run.scope.withheld !== null;
  const per = Math.round(1 / TOP_SHARE);
  const out: SourceConcentration[] = [];
  const tops = buyerTops(table);
  tops.used();
  for (const [key, parts] of byKey) {
    let n = 0;
    for (const p of parts) n += tops.buyersAt(p, H);
    if (n === 0) continue;
    const [revenueSum, cappedSum, buyersSum] = [0, 1, 2].map((v) => stepsSum(table, parts, v, H));
    const revenue = revenueSum!.value();
    const capped = cappedSum!.value();
    const buyers = buyersSum!.value();
    // ceil(TOP_SHARE · n) buyers, the largest first.
    const { top, topSum } = tops.top(parts, H, Math.floor((n + per - 1) / per));
    const source = key === -1 ? UNATTRIBUTED : sourceId(memory, key);
    const costs = withheld ? null : (spend.bySource.get(source)?.mature ?? null);
    const ratio = (v: number, den: number | null) => (den !== null && den > 0 ? (margin * v) / den : null);
    out.push({
      source,
      revenue: margin * revenue,
      topBuyerShare: revenue > 0 ? top / revenue : null,
      topPercentShare: revenue > 0 ? topSum.value() / revenue : null,
      ltvHRobust: ratio(capped, buyers),
      romiHRobust: ratio(capped, costs),
      romiHWithoutTopBuyer: ratio(revenue - top, costs),
    });
  }
  return out.sort((a, b) => sourceRowOrder(a.source, b.source));
}

/** Per buyer cohort (all sources, the slice's combos): the largest buyer's share of its revenue through H−1. */
function byCohort(run: MetricRun, table: BuyerTable, months: readonly string[]): CohortConcentration[] {
  const H = run.options.horizon;
  const kept = keptCombos(run);
  const [combos, cohorts] = table.codes as [Int32Array, Int32Array];
  const tops = buyerTops(table);
  tops.used();
  const found = new Map<number, { parts: number[]; hi: number; lo: number }>();
  for (let p = 0; p < table.start.length - 1; p++) {
    if (!kept(combos[p]!)) continue;
    let c = found.get(cohorts[p]!);
    const j = tops.bestAt(p, H);
    if (j >= 0) {
      if (!c) {
        c = { parts: [], hi: table.hi[j]!, lo: table.lo[j]! };
        found.set(cohorts[p]!, c);
      } else if (compareExact(table.hi[j]!, table.lo[j]!, c.hi, c.lo) > 0) {
        c.hi = table.hi[j]!;
        c.lo = table.lo[j]!;
      }
    }
    c?.parts.push(p);
  }
  return [...found]
    .sort(([a], [b]) => a - b)
    .map(([cohort, c]) => {
      const revenue = stepsSum(table, c.parts, 0, H).value();
      const month = months[cohort];
      if (month === undefined) throw new Error(`buyer cohort ${cohort} outside the window's months`);
      return { cohort: month, topBuyerShare: revenue > 0 ? toDouble(c.hi, c.lo) / revenue : null };
    });
}

/** The exact sum of value `v` over the parts' buyers at horizon H (their steps below H). */
function stepsSum(table: BuyerTable, parts: readonly number[], v: number, H: number): ExactSum {
  const { hi, lo } = table.steps[v]!;
  const sum = new ExactSum();
  const top = Math.min(H, table.months);
  for (const p of parts) {
    const base = p * table.months;
    for (let L = 0; L < top; L++) sum.add(hi[base + L]!, lo[base + L]!);
  }
  return sum;
}

/** The slice's combos as a test (every combo, the no-session buyers too, when unfiltered). */
function keptCombos(run: MetricRun): (r: number) => boolean {
  if (run.scope.combos === null) return () => true;
  const set = new Set(run.scope.combos);
  return (r) => set.has(r);
}

function sourceId(memory: BuyerMemory, code: number): string {
  const id = memory.sources.get(code);
  if (id === undefined) throw new Error(`source code ${code} is not in the cube's dictionary`);
  return id;
}
