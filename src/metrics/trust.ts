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
import { UNATTRIBUTED } from "./attribution.ts";
import { lastMonth, monthLifetimes } from "./cohort-cells.ts";
import { concentrationStats } from "./concentration.ts";
import { sourceRowOrder } from "./id-order.ts";
import { type IntervalSpend, intervalStats } from "./intervals.ts";
import { sliceSpend } from "./marketing.ts";
import { type MetricRun, num, numOrNull, text } from "./query.ts";
import type { TrustStats } from "./result.ts";
import type { LtvRow, Tables } from "./tables.ts";
import type { TrustMemory } from "./trust-memory.ts";

/**
 * What the attribution models of one slice share beyond their TrustStats, never part of a result: the
 * buyer-level forecast's buyers and fit (read and fitted once per slice, reused by every model's
 * per-source forecast). The caller makes one per slice and passes it to each model's trustStats.
 */
export interface TrustScratch {
  buyerBasis?: BuyerForecastBasis;
}

/**
 * Intervals, concentration and forecasts of one slice under the run's model (issue 10). `tables` are
 * the slice's tables already computed (the all-source LTV matrix and spend per cohort feed the
 * forecasts); everything else is read from the cube.
 */
export async function trustStats(
  run: MetricRun,
  /** The window's bootstrap sums in memory (trust-memory.ts). */
  memory: TrustMemory,
  tables: Pick<Tables, "ltv" | "cac_by_cohort">,
  level: number,
  /** The same slice's stats under another model: what does not depend on the model is reused. */
  shared?: TrustStats,
  /** The slice's spend as the intervals read it (the same under every model), when already read. */
  spend?: IntervalSpend,
  scratch: TrustScratch = {},
): Promise<TrustStats> {
  const intervals = await intervalStats(run, memory, level, shared?.intervals.byCohort, spend);
  const concentration = await concentrationStats(run, shared?.concentration.byCohort);
  const model = run.options.forecastModel ?? "power";
  const buyerBasis = async () =>
    (scratch.buyerBasis ??= buyerForecastBasis(tables.ltv, await readBuyerHistories(run)));
  const pooled =
    shared?.forecast.ltv ?? (model === "buyer" ? (await buyerBasis()).rows : forecastLtv(tables.ltv));
  const withheld = run.scope.withheld !== null;
  const spendAll = new Map(tables.cac_by_cohort.map((c) => [c.cohort, c.costs]));
  const romi: RomiForecastRow[] = withheld ? [] : forecastRomi(pooled, spendAll, "all");
  if (!withheld) {
    const matrices = await sourceLtvMatrices(run);
    const bySource =
      model === "buyer"
        ? forecastLtvByBuyersBySource(matrices, await buyerBasis(), await readBuyerWeights(run))
        : forecastLtvBySource(matrices, tables.ltv);
    const spend = await spendBySourceMonth(run);
    for (const [source, rows] of [...bySource].sort(([a], [b]) => sourceRowOrder(a, b))) {
      if (source === UNATTRIBUTED) continue;
      romi.push(...forecastRomi(rows, spend.get(source) ?? new Map(), source));
    }
  }
  return {
    intervals,
    concentration,
    forecast: { model, ltv: pooled, romi, payback: forecastPayback(romi) },
  };
}

/** Per source: the LTV matrix of its attributed buyers (cohort size = attributed buyers, fractional under linear). */
export async function sourceLtvMatrices(run: MetricRun): Promise<Map<string, LtvRow[]>> {
  const { t, d } = run;
  const rows = await run.all(`
    WITH buy AS (SELECT coalesce(a.key, '') AS k, a.cohort AS cohort, sum(a.buyers) AS buyers FROM ${t.attrBuyers} a
      WHERE a.model = $model AND a.dim = 'source' AND ${run.inCombos("a.r")} GROUP BY coalesce(a.key, ''), a.cohort),
    rev AS (SELECT coalesce(a.key, '') AS k, a.cohort AS cohort, a.lifetime AS lifetime, sum(a.revenue) AS revenue
      FROM ${t.attrRevenue} a WHERE a.model = $model AND a.dim = 'source' AND ${run.inCombos("a.r")}
      GROUP BY coalesce(a.key, ''), a.cohort, a.lifetime),
    grid AS (SELECT b.k AS k, b.cohort AS cohort, b.buyers AS buyers, ks.lifetime AS lifetime,
        CASE WHEN ${d.monthsBetween("b.cohort", "x.last_month")} >= ks.lifetime THEN 1 ELSE 0 END AS observed
      FROM buy b CROSS JOIN ${monthLifetimes(run)} ks CROSS JOIN ${lastMonth(run)} x WHERE b.buyers > 0)
    SELECT g.k AS k, ${d.formatMonth("g.cohort")} AS cohort, g.lifetime AS lifetime, CAST(g.buyers AS DOUBLE) AS buyers,
      g.observed AS observed,
      CAST(sum(coalesce(r.revenue, 0)) OVER (PARTITION BY g.k, g.cohort ORDER BY g.lifetime
        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS DOUBLE) AS cum_revenue
    FROM grid g LEFT JOIN rev r ON r.k = g.k AND r.cohort = g.cohort AND r.lifetime = g.lifetime`);
  const margin = run.options.margin;
  const out = new Map<string, LtvRow[]>();
  for (const r of rows) {
    const source = text(r.k) === "" ? UNATTRIBUTED : text(r.k);
    const size = num(r.buyers);
    const observed = num(r.observed) === 1;
    const revenue = observed ? numOrNull(r.cum_revenue) : null;
    const list = out.get(source) ?? [];
    list.push({
      cohort: text(r.cohort),
      lifetime: num(r.lifetime),
      cohort_size: size,
      revenue,
      ltv: revenue === null ? null : (margin * revenue) / size,
    });
    out.set(source, list);
  }
  for (const list of out.values())
    list.sort((a, b) => (a.cohort < b.cohort ? -1 : a.cohort > b.cohort ? 1 : a.lifetime - b.lifetime));
  // A fixed order of sources: the shrinkage sums over them, and float sums depend on the order.
  return new Map([...out].sort(([a], [b]) => sourceRowOrder(a, b)));
}

async function spendBySourceMonth(run: MetricRun): Promise<Map<string, Map<string, number>>> {
  const rows = await run.all(`SELECT s.source_id AS source, ${run.d.formatMonth("s.month_start")} AS month,
    CAST(s.costs AS DOUBLE) AS costs FROM ${sliceSpend(run)} s`);
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const m = out.get(text(r.source)) ?? new Map<string, number>();
    m.set(text(r.month), num(r.costs));
    out.set(text(r.source), m);
  }
  return out;
}
