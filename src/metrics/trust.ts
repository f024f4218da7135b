import {
  type BuyerForecastBasis,
  buyerForecastBasis,
  forecastLtv,
  forecastLtvByBuyersBySource,
  forecastLtvBySource,
  forecastPayback,
  forecastRomi,
  type RomiForecastRow,
  readBuyerHistories,
  readBuyerWeights,
} from "../forecast/index.ts";
import type { AttributedCells } from "./attributed-cells.ts";
import { UNATTRIBUTED } from "./attribution.ts";
import { concentrationStats } from "./concentration.ts";
import { decimalToNumber } from "./exact-decimal.ts";
import { sourceRowOrder } from "./id-order.ts";
import { type IntervalSpend, intervalStats } from "./intervals.ts";
import type { MetricRun } from "./query.ts";
import type { TrustStats } from "./result.ts";
import { SliceReplicates } from "./slice-replicates.ts";
import type { SliceSpend } from "./slice-spend.ts";
import type { LtvRow, Tables } from "./tables.ts";
import type { TrustMemory } from "./trust-memory.ts";

/** What a slice's trust numbers read, all in memory (slice-trust.ts sums the slice's parts once for every model). */
export interface TrustInputs {
  /** The window's bootstrap sums and per-buyer revenue (trust-memory.ts, buyer-memory.ts). */
  memory: TrustMemory;
  /** The slice's spend, summed from the window's memory (slice-spend.ts). */
  spend: SliceSpend;
  /** The same as the intervals fix it (intervals.ts). */
  intervalSpend: IntervalSpend;
  /** The slice's attributed buyers and revenue, every model (attributed-cells.ts). */
  cells: AttributedCells;
}

/**
 * What the attribution models of one slice share beyond their TrustStats, never part of a result: the
 * buyer-level forecast's buyers and fit (read and fitted once per slice, reused by every model's
 * per-source forecast) and the bootstrap replicates already summed (the same buyers' sums recur
 * across the models, slice-replicates.ts). The caller makes one per slice and passes it to each
 * model's trustStats.
 */
export interface TrustScratch {
  buyerBasis?: BuyerForecastBasis;
  replicates?: SliceReplicates;
}

/**
 * Intervals, concentration and forecasts of one slice under the run's model (issue 10). `tables` are
 * the slice's tables already computed (the all-source LTV matrix and spend per cohort feed the
 * forecasts); everything else comes from the window's memory: no statement reaches the engine, except
 * the buyer-level forecast's histories when that forecast model is chosen.
 */
export async function trustStats(
  run: MetricRun,
  inputs: TrustInputs,
  tables: Pick<Tables, "ltv" | "cac_by_cohort">,
  level: number,
  /** The same slice's stats under another model: what does not depend on the model is reused. */
  shared?: TrustStats,
  /** The buyer-level forecast's buyers and fit, shared by the slice's models. */
  scratch: TrustScratch = {},
  /** Only what a budget verdict reads (TrustStats `extent`): serve's models not on screen. */
  verdictsOnly = false,
): Promise<TrustStats> {
  const { memory } = inputs;
  scratch.replicates ??= new SliceReplicates();
  const intervals = intervalStats(
    run,
    memory,
    level,
    inputs.intervalSpend,
    shared?.intervals.byCohort,
    verdictsOnly,
    scratch.replicates,
  );
  const concentration = concentrationStats(
    run,
    memory.concentration,
    memory.months,
    inputs.intervalSpend,
    shared?.concentration.byCohort,
  );
  const model = run.options.forecastModel ?? "power";
  const buyerBasis = async () =>
    (scratch.buyerBasis ??= buyerForecastBasis(tables.ltv, await readBuyerHistories(run)));
  const pooled =
    shared?.forecast.ltv ?? (model === "buyer" ? (await buyerBasis()).rows : forecastLtv(tables.ltv));
  const withheld = run.scope.withheld !== null;
  const spendAll = new Map(tables.cac_by_cohort.map((c) => [c.cohort, c.costs]));
  const romi: RomiForecastRow[] = withheld ? [] : forecastRomi(pooled, spendAll, "all");
  if (!withheld) {
    const matrices = sourceLtvMatrices(run, inputs.cells, memory.months);
    const bySource =
      model === "buyer"
        ? forecastLtvByBuyersBySource(matrices, await buyerBasis(), await readBuyerWeights(run))
        : forecastLtvBySource(matrices, tables.ltv);
    const spend = spendBySourceMonth(inputs.spend);
    for (const [source, rows] of [...bySource].sort(([a], [b]) => sourceRowOrder(a, b))) {
      if (source === UNATTRIBUTED) continue;
      romi.push(...forecastRomi(rows, spend.get(source) ?? new Map(), source));
    }
  }
  return {
    intervals,
    concentration,
    forecast: { model, ltv: pooled, romi, payback: forecastPayback(romi) },
    ...(verdictsOnly ? { extent: "verdicts" as const } : {}),
  };
}

/**
 * Per source: the LTV matrix of its attributed buyers (cohort size = attributed buyers, fractional
 * under linear) under the run's model, from the slice's attributed cells: cohorts with buyers, every
 * lifetime of the window, revenue through each lifetime summed exactly (null where unobserved).
 */
export function sourceLtvMatrices(
  run: MetricRun,
  cells: AttributedCells,
  months: readonly string[],
): Map<string, LtvRow[]> {
  const model = run.options.attribution;
  const margin = run.options.margin;
  const last = months.length - 1;
  const revenue = new Map<string, bigint[]>();
  for (const c of cells.revenue) {
    if (c.model !== model || c.dim !== "source") continue;
    const id = `${c.key}\u0000${c.cohort}`;
    let byLifetime = revenue.get(id);
    if (!byLifetime) {
      byLifetime = new Array<bigint>(months.length).fill(0n);
      revenue.set(id, byLifetime);
    }
    byLifetime[c.lifetime]! += c.revenue;
  }
  const out = new Map<string, LtvRow[]>();
  for (const c of cells.buyers) {
    if (c.model !== model || c.dim !== "source" || c.buyers <= 0n) continue;
    const index = months.indexOf(c.cohort);
    if (index === -1) throw new Error(`attributed cohort ${c.cohort} outside the window's months`);
    const size = decimalToNumber(c.buyers);
    const byLifetime = revenue.get(`${c.key}\u0000${c.cohort}`);
    const list = out.get(c.key) ?? [];
    let cum = 0n;
    for (let lifetime = 0; lifetime < months.length; lifetime++) {
      cum += byLifetime?.[lifetime] ?? 0n;
      const observed = last - index >= lifetime;
      const value = observed ? decimalToNumber(cum) : null;
      list.push({
        cohort: c.cohort,
        lifetime,
        cohort_size: size,
        revenue: value,
        ltv: value === null ? null : (margin * value) / size,
      });
    }
    out.set(c.key, list);
  }
  for (const list of out.values())
    list.sort((a, b) => (a.cohort < b.cohort ? -1 : a.cohort > b.cohort ? 1 : a.lifetime - b.lifetime));
  // A fixed order of sources: the shrinkage sums over them, and float sums depend on the order.
  return new Map([...out].sort(([a], [b]) => sourceRowOrder(a, b)));
}

/** The slice's spend per source and month (one cell each). */
function spendBySourceMonth(spend: SliceSpend): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const c of spend.cells) {
    const m = out.get(c.source) ?? new Map<string, number>();
    m.set(c.month, c.costs);
    out.set(c.source, m);
  }
  return out;
}
