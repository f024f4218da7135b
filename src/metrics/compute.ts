import type { Engine } from "../engine/engine.ts";
import { activitySeries, activityStats } from "./activity.ts";
import { buildAttribution } from "./attribution.ts";
import { type BySourceResult, bySource } from "./by-source.ts";
import { conversionLagStats, conversionLagTable, conversionRates, rateOf } from "./conversion.ts";
import { dailyAcquisition } from "./daily-acquisition.ts";
import { buildFoundation, type FoundationFacts } from "./foundation.ts";
import { ltvMatrix, ltvStats } from "./ltv.ts";
import {
  cacByCohort,
  costsBySourceMonth,
  marketingTotals,
  paybackByCohort,
  romiByCohort,
} from "./marketing.ts";
import { type AnalysisOptions, ATTRIBUTIONS, normalizeOptions, readDataBounds } from "./options.ts";
import { orderStats, ordersByCohort } from "./orders.ts";
import { FROM_DATE, MetricRun, num, TO_DATE } from "./query.ts";
import type { DataFacts, MetricsResult } from "./result.ts";
import { retentionMatrix, retentionStats } from "./retention.ts";
import { sessionStats } from "./sessions.ts";
import { type Attribution, SUMMARY_METRICS, type SummaryRow } from "./tables.ts";
import { dropTempTables, T } from "./temp-tables.ts";

// Temp tables live on the engine's one connection: runs on the same engine wait for each other.
const running = new WeakMap<Engine, Promise<unknown>>();

/**
 * Computes every metric of the spec over the canonical tables of `engine`, as one typed result.
 * `options` may be partial (defaults and the data-derived window apply) and is validated by
 * normalizeOptions, so an invalid option throws OptionsError before any work is done.
 */
export async function computeMetrics(
  engine: Engine,
  options: Partial<AnalysisOptions> = {},
): Promise<MetricsResult> {
  return (await queued(engine, () => compute(engine, options, false))).metrics;
}

/**
 * The full result under every attribution model, from one foundation: the passes over visits run
 * once and only attribution (by_source, by_device and the per-source marketing figures) is redone per
 * model, so this costs far less than three computeMetrics runs. Everything else is shared.
 */
export async function computeAllModels(
  engine: Engine,
  options: Partial<AnalysisOptions> = {},
): Promise<Record<Attribution, MetricsResult>> {
  const { byModel } = await queued(engine, () => compute(engine, options, true));
  return byModel!;
}

function queued<T>(engine: Engine, work: () => Promise<T>): Promise<T> {
  const previous = running.get(engine) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  running.set(engine, next);
  return next;
}

async function compute(
  engine: Engine,
  raw: Partial<AnalysisOptions>,
  allModels: boolean,
): Promise<{ metrics: MetricsResult; byModel?: Record<Attribution, MetricsResult> }> {
  const bounds = raw.from && raw.to ? undefined : await readDataBounds(engine);
  const options = normalizeOptions({ ...raw }, bounds);
  const base = new MetricRun(engine, options, {
    from: options.from,
    to: options.to,
    margin: options.margin,
    horizon: options.horizon,
  });
  try {
    const { run, facts, key } = await buildFoundation(base);
    const metrics = await assemble(run, facts);
    if (!allModels) return { metrics };
    const byModel = { [options.attribution]: metrics } as Record<Attribution, MetricsResult>;
    const rates = await conversionRates(run, options.cohortGrain);
    for (const model of ATTRIBUTIONS.filter((m) => m !== options.attribution)) {
      const other = run.withOptions({ ...options, attribution: model });
      await buildAttribution(other, key, model);
      byModel[model] = {
        ...underModel(metrics, model, await bySource(other, rates)),
        acquisitionDaily: await dailyAcquisition(other),
      };
    }
    return { metrics, byModel };
  } finally {
    await dropTempTables(base);
  }
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

async function assemble(run: MetricRun, facts: FoundationFacts): Promise<MetricsResult> {
  const { options } = run;
  const data = await dataFacts(run, facts);
  const series = await activitySeries(run);
  const activity = activityStats(series);
  const sessions = await sessionStats(run);
  const retention = await retentionMatrix(run, options.cohortGrain);
  const rates = await conversionRates(run, options.cohortGrain);
  const lag = await conversionLagStats(run);
  const orders = await orderStats(run);
  const ltv = await ltvStats(run);
  const totals = await marketingTotals(run);
  const romi = await romiByCohort(run);
  const sources = await bySource(run, rates);

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
  return {
    options,
    tables: {
      summary: SUMMARY_METRICS.map((metric) => ({ metric, value: headline[metric] })),
      activity_daily: series.daily,
      activity_weekly: series.weekly,
      activity_monthly: series.monthly,
      retention,
      conversion_lag: await conversionLagTable(run, options.cohortGrain),
      orders_by_cohort: await ordersByCohort(run),
      ltv: await ltvMatrix(run),
      cac_by_cohort: await cacByCohort(run),
      romi_by_cohort: romi,
      payback_by_cohort: paybackByCohort(romi),
      by_source: sources.bySource,
      by_device: sources.byDevice,
      costs_by_source_month: await costsBySourceMonth(run),
    },
    data,
    activity,
    sessions,
    retention: retentionStats(retention, options.cohortGrain),
    conversion,
    orders,
    ltv,
    marketing: { ...totals, ...sources.marketing },
    acquisitionDaily: await dailyAcquisition(run),
  };
}

async function dataFacts(run: MetricRun, facts: FoundationFacts): Promise<DataFacts> {
  const [row] = await run.all(`
    WITH w AS (
      SELECT (SELECT count(*) FROM ${T.users}) AS users,
        (SELECT coalesce(sum(sessions), 0) FROM ${T.profile} WHERE source_id IS NOT NULL) AS sessions,
        (SELECT count(*) FROM ${T.buyers}) AS buyers,
        (SELECT coalesce(sum(orders), 0) FROM ${T.buyers}) AS orders,
        (SELECT coalesce(sum(revenue), 0) FROM ${T.buyers}) AS revenue,
        (SELECT coalesce(sum(costs), 0) FROM ${T.costs}) AS costs,
        (SELECT count(*) FROM costs c WHERE c."date" >= ${FROM_DATE} AND c."date" < ${TO_DATE}) AS cost_rows)
    SELECT CAST(users AS DOUBLE) AS users, CAST(sessions AS DOUBLE) AS sessions, CAST(buyers AS DOUBLE) AS buyers,
      CAST(orders AS DOUBLE) AS orders, CAST(revenue AS DOUBLE) AS revenue, CAST(costs AS DOUBLE) AS costs,
      CAST((SELECT count(*) FROM visits) - sessions AS DOUBLE) AS visits_out,
      CAST((SELECT count(*) FROM orders) - orders AS DOUBLE) AS orders_out,
      CAST((SELECT count(*) FROM costs) - cost_rows AS DOUBLE) AS costs_out
    FROM w`);
  return {
    users: num(row?.users),
    sessions: num(row?.sessions),
    buyers: num(row?.buyers),
    orders: num(row?.orders),
    revenue: num(row?.revenue),
    costs: num(row?.costs),
    excluded: { visits: num(row?.visits_out), orders: num(row?.orders_out), costs: num(row?.costs_out) },
    sourceDevicePairs: facts.combos,
    numericUserKeys: facts.numericUserKeys,
  };
}
