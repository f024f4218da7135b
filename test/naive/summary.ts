/** summary.csv: one row per SUMMARY_METRICS entry, in that order. */
import { type ActivityRow, SUMMARY_METRICS, type SummaryRow } from "../../src/metrics/tables.ts";
import { headlineMean, sessionsPerUserDay } from "./activity.ts";
import type { Context } from "./context.ts";
import { type ConversionLagStats, conversionRate } from "./conversion.ts";
import { ltvH, ltvHCohortMean } from "./ltv.ts";
import { cacValue, romiH, totalSpend } from "./marketing.ts";
import { microToNumber, ratio } from "./numbers.ts";
import { aov, ordersPerBuyerH } from "./orders.ts";
import type { SessionStats } from "./sessions.ts";

export interface SummaryInputs {
  daily: ActivityRow[];
  weekly: ActivityRow[];
  monthly: ActivityRow[];
  sessions: SessionStats;
  lag: ConversionLagStats;
}

function div(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : ratio(a, b);
}

export function summaryValues(ctx: Context, x: SummaryInputs): Record<string, number | string | null> {
  let revenue = 0n;
  for (const o of ctx.orders) revenue += o.micro;
  const dau = headlineMean(x.daily);
  const wau = headlineMean(x.weekly);
  const mau = headlineMean(x.monthly);
  const spend = totalSpend(ctx);
  return {
    users: ctx.users.size,
    sessions: ctx.sessions.length,
    buyers: ctx.buyers.size,
    orders: ctx.orders.length,
    revenue: microToNumber(revenue),
    costs: microToNumber(spend),
    dau,
    wau,
    mau,
    sticky_wau: div(dau, wau),
    sticky_mau: div(dau, mau),
    sessions_per_user_day: sessionsPerUserDay(x.daily),
    session_mean_s: x.sessions.mean_s,
    session_median_s: x.sessions.median_s,
    session_mode_s: x.sessions.mode_s,
    conversion_lag_mean_days: x.lag.mean_days,
    conversion_lag_median_min: x.lag.median_min,
    conversion_rate: conversionRate(ctx),
    aov: aov(ctx),
    orders_per_buyer_h: ordersPerBuyerH(ctx),
    ltv_h: ltvH(ctx),
    ltv_h_cohort_mean: ltvHCohortMean(ctx),
    cac: cacValue(ctx, spend, ctx.buyers.size),
    romi_h: romiH(ctx),
    attribution: ctx.options.attribution,
    horizon_months: ctx.options.horizon,
  };
}

export function summaryRows(values: Record<string, number | string | null>): SummaryRow[] {
  return SUMMARY_METRICS.map((metric) => ({ metric, value: values[metric] ?? null }));
}
