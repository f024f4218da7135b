import type { Engine } from "../engine/engine.ts";
import { type ActivitySeries, activitySeries, activityStats } from "./activity.ts";
import { type BySourceResult, bySourceAllModels } from "./by-source.ts";
import { cohortBuyers, type SliceCohorts, sliceCohorts } from "./cohort-cells.ts";
import {
  type ComboKeys,
  type ConversionRates,
  comboKeys,
  conversionLagStats,
  conversionLagTable,
  conversionRates,
  rateOf,
} from "./conversion.ts";
import {
  type AcquisitionFilter,
  buildCube,
  type Cube,
  dropCube,
  sliceCube,
  type WindowFacts,
} from "./cube.ts";
import type { DataTables, WindowTables } from "./cube-tables.ts";
import { ltvMatrix, ltvStats } from "./ltv.ts";
import {
  cacByCohort,
  costsBySourceMonth,
  marketingTotals,
  paybackByCohort,
  romiByCohort,
} from "./marketing.ts";
import { type AnalysisOptions, ATTRIBUTIONS, DEFAULT_OPTIONS, parseAttribution } from "./options.ts";
import { orderStats, ordersByCohort, type SliceOrders, sliceOrders } from "./orders.ts";
import { MetricRun, type SliceScope } from "./query.ts";
import type { AnalysisWindow, DataFacts, MetricsResult } from "./result.ts";
import { retentionMatrix, retentionStats } from "./retention.ts";
import { sessionStats } from "./sessions.ts";
import { type SliceSpend, sumSliceSpend } from "./slice-spend.ts";
import { sourceNumbers } from "./source-numbers.ts";
import { type Attribution, SUMMARY_METRICS, type SummaryRow } from "./tables.ts";
import type { WindowMemory } from "./window-memory.ts";
import { matureMonthList, windowMonths } from "./window-periods.ts";

/**
 * Computes every metric of the spec over the canonical tables of `engine`, as one typed result.
 * `options` may be partial (defaults and the data-derived window apply) and is validated by
 * normalizeOptions, so an invalid option throws OptionsError before any work is done.
 */
export async function computeMetrics(
  engine: Engine,
  options: Partial<AnalysisOptions> = {},
): Promise<MetricsResult> {
  const byModel = await computeAllModels(engine, options);
  // computeAllModels validated the options, so the model is one of ATTRIBUTIONS.
  return byModel[parseAttribution(options.attribution) ?? DEFAULT_OPTIONS.attribution];
}

/**
 * The full result under every attribution model: one cube is built, sliced once without a filter, and
 * dropped. Attribution-dependent parts (by_source, by_device, per-source marketing) are read per model
 * from the same tables; everything else is shared.
 */
export async function computeAllModels(
  engine: Engine,
  options: Partial<AnalysisOptions> = {},
  filter?: AcquisitionFilter,
): Promise<Record<Attribution, MetricsResult>> {
  const cube: Cube = await buildCube(engine);
  try {
    return await sliceCube(cube, options, filter);
  } finally {
    await dropCube(cube);
  }
}

/** What a slice reports about where its numbers come from. */
export interface SliceContext {
  cube: Cube;
  window: AnalysisWindow;
  windowFacts: WindowFacts;
  filter: { sources: string[]; devices: string[] };
}

/**
 * The point numbers of one slice of the cube under every model (cube.ts calls this; it never builds
 * tables). Every point number is summed in TypeScript from the window's memory (window-memory.ts, read
 * when the window was built) over the slice's combos: no statement reaches the engine. The trust
 * numbers are added on top (slice-trust.ts).
 */
export async function assembleSlice(
  engine: Engine,
  options: AnalysisOptions,
  tables: DataTables & WindowTables,
  scope: SliceScope,
  context: SliceContext,
): Promise<Record<Attribution, MetricsResult>> {
  const months = windowMonths(context.windowFacts.calendar);
  const matureMonths = matureMonthList(months, options.horizon);
  const run = new MetricRun(engine, options, tables, scope);
  const { memory } = context.windowFacts;
  const keys = comboKeys(context.cube.facts.combos);
  const reads = readSlice(run, memory, months, matureMonths);
  const rates = conversionRates(memory, scope.combos, keys, options.cohortGrain);
  const attributed = bySourceAllModels(run, rates, reads.spend, months, matureMonths, {
    seen: context.windowFacts.seen,
    combos: context.cube.facts.combos,
    memory,
  });
  const metrics = await assemble(run, context, keys, rates, attributed[options.attribution], reads);
  const byModel = { [options.attribution]: metrics } as Record<Attribution, MetricsResult>;
  for (const model of ATTRIBUTIONS.filter((m) => m !== options.attribution))
    byModel[model] = underModel(metrics, model, attributed[model]);
  return byModel;
}

/** `base` re-attributed: the attribution-dependent parts replaced, everything else shared. */
function underModel(base: MetricsResult, model: Attribution, attributed: BySourceResult): MetricsResult {
  return {
    ...base,
    options: { ...base.options, attribution: model },
    tables: {
      ...base.tables,
      summary: base.tables.summary.map((r) => (r.metric === "attribution" ? { ...r, value: model } : r)),
      by_source: attributed.bySource,
      by_device: attributed.byDevice,
    },
    marketing: { ...base.marketing, ...attributed.marketing },
  };
}

/**
 * What several tables of a slice are computed from, summed once from the window's memory: its spend,
 * its cohort cells, its orders per month; and the window's months (from the window's calendar).
 */
interface SliceReads {
  spend: SliceSpend;
  cohorts: SliceCohorts;
  orders: SliceOrders;
  months: string[];
  matureMonths: string[];
}

function readSlice(
  run: MetricRun,
  memory: WindowMemory,
  months: string[],
  matureMonths: string[],
): SliceReads {
  const { combos, sources } = run.scope;
  return {
    spend: sumSliceSpend(memory, sources),
    cohorts: sliceCohorts(memory, combos, months, run.options),
    orders: sliceOrders(memory, combos),
    months,
    matureMonths,
  };
}

async function assemble(
  run: MetricRun,
  context: SliceContext,
  keys: ComboKeys,
  rates: ConversionRates,
  sources: BySourceResult,
  reads: SliceReads,
): Promise<MetricsResult> {
  const { options, scope } = run;
  const { memory, calendar, lags } = context.windowFacts;
  const { spend, cohorts, months, matureMonths } = reads;
  const series = activitySeries(memory, scope.combos, calendar);
  const activity = activityStats(series);
  const data = dataFacts(context, rates, series, reads);
  const sessions = sessionStats(memory, scope.combos);
  const retention = retentionMatrix(memory, scope.combos, calendar, options.cohortGrain);
  const lag = conversionLagStats(run, lags);
  const orders = orderStats(reads.orders, cohorts, months);
  const ltv = ltvStats(cohorts, options, matureMonths);
  const totals = marketingTotals(run, spend, cohorts, months, matureMonths);
  const romi = romiByCohort(run, cohorts, spend);

  const conversion = {
    lag,
    convertedUsers: rates.all.buyers,
    rate: rateOf(rates.all),
    byCohort: [...rates.cohort]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([cohort, c]) => ({ cohort, ...c, conversionRate: rateOf(c) })),
  };
  const headline: Record<(typeof SUMMARY_METRICS)[number], SummaryRow["value"]> = {
    users: data.users,
    sessions: data.sessions,
    buyers: data.buyers,
    orders: data.orders,
    revenue: data.revenue,
    costs: data.costs,
    dau: activity.dau.mean,
    wau: activity.wau.mean,
    mau: activity.mau.mean,
    sticky_wau: activity.stickyWau,
    sticky_mau: activity.stickyMau,
    sessions_per_user_day: activity.sessionsPerUserDay,
    session_mean_s: sessions.meanS,
    session_median_s: sessions.medianS,
    session_mode_s: sessions.modeS,
    conversion_lag_mean_days: lag.meanDays,
    conversion_lag_median_min: lag.medianMinutes,
    conversion_rate: conversion.rate,
    aov: orders.aov,
    orders_per_buyer_h: orders.ordersPerBuyerH,
    ltv_h: ltv.ltvH,
    ltv_h_cohort_mean: ltv.ltvHCohortMean,
    cac: totals.cac,
    romi_h: totals.romiH,
    attribution: options.attribution,
    horizon_months: options.horizon,
  };
  const ltvRows = ltvMatrix(cohorts, options.margin);
  const cacRows = cacByCohort(run, spend, cohorts, months);
  return {
    options,
    window: context.window,
    filter: context.filter,
    tables: {
      summary: SUMMARY_METRICS.map((metric) => ({ metric, value: headline[metric] })),
      activity_daily: series.daily,
      activity_weekly: series.weekly,
      activity_monthly: series.monthly,
      retention,
      conversion_lag: conversionLagTable(memory, scope.combos, keys, options.cohortGrain),
      orders_by_cohort: ordersByCohort(cohorts),
      ltv: ltvRows,
      cac_by_cohort: cacRows,
      romi_by_cohort: romi,
      payback_by_cohort: paybackByCohort(romi),
      by_source: sources.bySource,
      by_device: sources.byDevice,
      costs_by_source_month: costsBySourceMonth(spend),
    },
    data,
    activity,
    sessions,
    retention: retentionStats(retention, options.cohortGrain),
    conversion,
    orders,
    ltv,
    marketing: { ...totals, ...sources.marketing },
    sourceNumbers: sourceNumbers(memory, scope, lags, context.cube.facts.combos),
  };
}

/** The slice's totals, from what the slice already read. */
function dataFacts(
  context: SliceContext,
  rates: ConversionRates,
  series: ActivitySeries,
  reads: SliceReads,
): DataFacts {
  return {
    users: rates.all.users,
    sessions: series.daily.reduce((sum, day) => sum + day.sessions, 0),
    buyers: cohortBuyers(reads.cohorts),
    orders: reads.orders.orders,
    revenue: reads.orders.revenue,
    costs: reads.spend.total ?? 0,
    excluded: context.windowFacts.excluded,
    sourceDevicePairs: context.cube.facts.combos.length,
    numericUserKeys: context.cube.facts.numericUserKeys,
  };
}
