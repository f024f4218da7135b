/**
 * The naive in-memory reference implementation of ../shared/spec/metrics.md + docs/decisions.md.
 * Plain loops over arrays and Maps, exact money (BigInt micro-units), UTC calendar math on wall-clock
 * strings. The SQL engine's `Tables` are checked against `naiveTables`.
 *
 * Every entry point takes the WHOLE canonical data and applies the window (clamped to the visits'
 * days) and the optional source / device filter itself, as decisions.md "Window and filters" says.
 */
import type { MetricOptions, Tables } from "../../src/metrics/tables.ts";
import { activityRows, allPeriodsMean } from "./activity.ts";
import {
  buildContext,
  type Context,
  type EffectiveWindow,
  type NaiveFilter,
  type NaiveInput,
  NO_FILTER,
} from "./context.ts";
import { type ConversionLagStats, conversionLagRows, conversionLagStats } from "./conversion.ts";
import { ltvRows } from "./ltv.ts";
import {
  cacByCohortRows,
  costsBySourceMonthRows,
  paybackByCohortRows,
  romiByCohortRows,
} from "./marketing.ts";
import { aovByMonth, type MonthlyAov, ordersByCohortRows } from "./orders.ts";
import { type RetentionAverage, retentionAverages, retentionRows } from "./retention.ts";
import { byDeviceRows, bySourceRows, tooFewBuyers } from "./segments.ts";
import { type SessionStats, sessionStats } from "./sessions.ts";
import { type NaiveSourceNumbers, sourceNumbers } from "./source-numbers.ts";
import { summaryRows, summaryValues } from "./summary.ts";

export { buyerWeights, UNATTRIBUTED } from "./attribution.ts";
export type { EffectiveWindow, NaiveFilter, NaiveInput } from "./context.ts";
export { NO_FILTER } from "./context.ts";
export { lagBucket } from "./conversion.ts";
export type { ConversionLagStats, MonthlyAov, NaiveSourceNumbers, RetentionAverage, SessionStats };

export interface NaiveDetails {
  tables: Tables;
  sessionStats: SessionStats;
  conversionLag: ConversionLagStats;
  /** Per acquisition source: orders, revenue, conversion lag mean / median with the buyers measured. */
  sourceNumbers: NaiveSourceNumbers[];
  /** Means over all periods (the headline uses complete periods only). */
  allPeriodsMean: { dau: number | null; wau: number | null; mau: number | null };
  retentionAverages: RetentionAverage[];
  aovByMonth: MonthlyAov[];
  /** Sources (and `unattributed`) with fewer than 30 attributed buyers in mature cohorts. */
  tooFewBuyers: string[];
  /** Rows of the whole input outside the effective window (whatever the filter). */
  outOfWindow: { visits: number; orders: number; costs: number };
  /** The window used: the requested one clamped to the visits' days (`clamped` = window_beyond_data). */
  window: EffectiveWindow;
}

function tablesOf(ctx: Context, stats: SessionStats, lag: ConversionLagStats): Tables {
  const activity_daily = activityRows(ctx, "day");
  const activity_weekly = activityRows(ctx, "week");
  const activity_monthly = activityRows(ctx, "month");
  const romi_by_cohort = romiByCohortRows(ctx);
  const values = summaryValues(ctx, {
    daily: activity_daily,
    weekly: activity_weekly,
    monthly: activity_monthly,
    sessions: stats,
    lag,
  });
  return {
    summary: summaryRows(values),
    activity_daily,
    activity_weekly,
    activity_monthly,
    retention: retentionRows(ctx),
    conversion_lag: conversionLagRows(lag),
    orders_by_cohort: ordersByCohortRows(ctx),
    ltv: ltvRows(ctx),
    cac_by_cohort: cacByCohortRows(ctx),
    romi_by_cohort,
    payback_by_cohort: paybackByCohortRows(romi_by_cohort),
    by_source: bySourceRows(ctx),
    by_device: byDeviceRows(ctx),
    costs_by_source_month: costsBySourceMonthRows(ctx),
  };
}

/** Every table of the spec, computed naively. */
export function naiveTables(input: NaiveInput, options: MetricOptions, filter = NO_FILTER): Tables {
  const ctx = buildContext(input, options, filter);
  return tablesOf(ctx, sessionStats(ctx), conversionLagStats(ctx));
}

/** Session length statistics: mean, median, mode, p90 and the 60-s histogram. */
export function naiveSessionStats(
  input: NaiveInput,
  options: MetricOptions,
  filter = NO_FILTER,
): SessionStats {
  return sessionStats(buildContext(input, options, filter));
}

/** Conversion lag statistics, including the two exclusion counts. */
export function naiveConversionLag(
  input: NaiveInput,
  options: MetricOptions,
  filter = NO_FILTER,
): ConversionLagStats {
  return conversionLagStats(buildContext(input, options, filter));
}

/** The tables plus the numbers that live outside `Tables`. */
export function naiveDetails(
  input: NaiveInput,
  options: MetricOptions,
  filter: NaiveFilter = NO_FILTER,
): NaiveDetails {
  const ctx = buildContext(input, options, filter);
  const stats = sessionStats(ctx);
  const lag = conversionLagStats(ctx);
  const tables = tablesOf(ctx, stats, lag);
  return {
    tables,
    sessionStats: stats,
    conversionLag: lag,
    sourceNumbers: sourceNumbers(ctx, lag),
    allPeriodsMean: {
      dau: allPeriodsMean(tables.activity_daily),
      wau: allPeriodsMean(tables.activity_weekly),
      mau: allPeriodsMean(tables.activity_monthly),
    },
    retentionAverages: retentionAverages(tables.retention),
    aovByMonth: aovByMonth(ctx),
    tooFewBuyers: tooFewBuyers(ctx),
    outOfWindow: ctx.outOfWindow,
    window: ctx.window,
  };
}
