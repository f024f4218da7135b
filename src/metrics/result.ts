import type { DailyAcquisitionTable } from "./daily-acquisition.ts";
import type { AnalysisOptions } from "./options.ts";
import type { SourceNumbers } from "./source-numbers.ts";
import type { Cac, CohortGrain, Tables } from "./tables.ts";

/**
 * Everything `analyze` computes, and the documented schema of `metrics.json`. `tables` holds the tidy
 * exported tables (tables.ts); the other members hold what the spec asks for that is not a table row.
 *
 * Conventions: money is in `options.currency` (JS numbers, summed exactly in SQL and converted once);
 * durations carry their unit in the name (`S` seconds, `Minutes`, `Days`); ratios are plain fractions
 * (0.25 = 25 %); months are `YYYY-MM`, weeks and days `YYYY-MM-DD` (weeks by their Monday). `null` means
 * unobserved or undefined (nothing to divide by) — never 0 in disguise, never NaN.
 */
export interface MetricsResult {
  /** The options the numbers were computed with, after defaults (from/to: the window as clamped). */
  options: AnalysisOptions;
  /** The window used and the one asked for: a window reaching beyond the visits is clamped to them. */
  window: AnalysisWindow;
  /** Acquisition filter of the numbers (empty lists = every source / device). */
  filter: { sources: string[]; devices: string[] };
  tables: Tables;
  data: DataFacts;
  activity: ActivityStats;
  sessions: SessionStats;
  retention: RetentionStats;
  conversion: ConversionStats;
  orders: OrderStats;
  ltv: LtvStats;
  marketing: MarketingStats;
  /**
   * Per acquisition source (first session, whatever the model): orders, revenue and the conversion
   * lag's mean and median with the buyers measured ("Sources in numbers").
   */
  sourceNumbers: SourceNumbers[];
  /**
   * Per paid source and day: spend, credited new buyers and their H-month revenue (the budget plan's
   * input). Absent in slices computed without the trust numbers (the dashboard's filter changes).
   */
  acquisitionDaily?: DailyAcquisitionTable;
  /**
   * How far the verdict numbers can be trusted (issue 10): bootstrap intervals, concentration on single
   * buyers, forecasts for young cohorts. Absent only in hand-built fixtures.
   */
  trust?: TrustStats;
}

export interface AnalysisWindow {
  /** The window used, `[from, to)` by day. */
  from: string;
  to: string;
  /** The window asked for (options or defaults) before clamping. */
  requested: { from: string; to: string };
  /** True when the requested window reached beyond the visits and was clamped to them. */
  clamped: boolean;
}

/** Sizes of the analysed data (docs/decisions.md, "Window and filters"). */
export interface DataFacts {
  /** New users: users whose first session (whole history) falls in the window. */
  users: number;
  /** Sessions starting in the window (invalid ones included), of every user the filter keeps. */
  sessions: number;
  /** New buyers: buyers whose first order falls in the window (with or without a session). */
  buyers: number;
  /** Orders in the window, returning buyers' included. */
  orders: number;
  /** Revenue of the window's orders. */
  revenue: number;
  /** Spend dated in the window. */
  costs: number;
  /** Rows of the canonical tables outside `[from, to)`, excluded from every metric. */
  excluded: { visits: number; orders: number; costs: number };
  /** (source, device) acquisition cells of the data: the cube's combos. */
  sourceDevicePairs: number;
  /** Users were keyed as exact 64-bit integers rather than text (a speed-up; results are identical). */
  numericUserKeys: boolean;
}

/** A mean over the periods of an activity series. */
export interface PeriodMean {
  /** Headline: mean over complete periods; over all periods when none is complete. */
  mean: number | null;
  /** Mean over every period of the series, partial ones included. */
  meanAllPeriods: number | null;
  periods: number;
  completePeriods: number;
  /** True when no period was complete, so `mean` includes partial periods. */
  fromPartialPeriods: boolean;
}

export interface ActivityStats {
  dau: PeriodMean;
  wau: PeriodMean;
  mau: PeriodMean;
  /** Headline DAU / headline WAU. */
  stickyWau: number | null;
  /** Headline DAU / headline MAU. */
  stickyMau: number | null;
  /** Mean over days with DAU > 0 of sessions / DAU. */
  sessionsPerUserDay: number | null;
}

export interface HistogramBin {
  /** Lower bound in seconds, inclusive. */
  fromS: number;
  /** Upper bound in seconds, exclusive; null for the open last bin (3600 s and more). */
  toS: number | null;
  sessions: number;
}

/** Session length = end - start in seconds, over valid sessions. */
export interface SessionStats {
  /** Sessions with end >= start. */
  valid: number;
  /** Sessions that end before they start: left out of the length statistics, still counted as sessions. */
  invalid: number;
  /** Average session length (ASL). */
  meanS: number | null;
  /** Linear interpolation between order statistics, as quantile_cont. */
  medianS: number | null;
  /** Most frequent length; ties go to the shortest. */
  modeS: number | null;
  p90S: number | null;
  /** 60-second bins from 0 to 3600 s, then one open bin. */
  histogram: HistogramBin[];
}

export interface RetentionStats {
  grain: CohortGrain;
  /** Per lifetime: plain mean of retention over the cohorts whose cell is observed, and how many. */
  meanByLifetime: { lifetime: number; retention: number | null; cohorts: number }[];
}

export interface ConversionLagStats {
  /** Buyers whose lag is measured (a session at or before the first order). */
  buyers: number;
  meanDays: number | null;
  medianDays: number | null;
  medianMinutes: number | null;
  /** Buyers without any session in the window. */
  excludedNoSession: number;
  /** Buyers whose first order precedes their first session. */
  excludedOrderFirst: number;
}

export interface ConversionStats {
  lag: ConversionLagStats;
  /** Users (with a session) who are buyers. */
  convertedUsers: number;
  /** convertedUsers / users. */
  rate: number | null;
  /** Per acquisition cohort (at `retention.grain`). */
  byCohort: { cohort: string; users: number; buyers: number; conversionRate: number | null }[];
}

export interface OrderStats {
  /** Revenue / orders over the window. */
  aov: number | null;
  /** Per calendar month of the window; aov null in a month without orders. */
  aovByMonth: { month: string; orders: number; revenue: number; aov: number | null }[];
  /** Plain mean over mature buyer cohorts of orders in lifetimes 0..H-1 / cohort size. */
  ordersPerBuyerH: number | null;
  /** Mature cohorts with buyers behind ordersPerBuyerH. */
  ordersPerBuyerHCohorts: number;
}

export interface LtvStats {
  horizon: number;
  /** Margin x revenue in lifetimes 0..H-1 of buyers of mature cohorts / those buyers. */
  ltvH: number | null;
  /** Plain mean of LTV(c, H-1) over mature cohorts with buyers (notebook practice). */
  ltvHCohortMean: number | null;
  /** Window months whose lifetime H-1 is observed (`YYYY-MM`), with or without buyers. */
  matureCohorts: string[];
  /** Buyers of the mature cohorts. */
  matureBuyers: number;
}

export interface SourceFlags {
  source: string;
  /** Attributed buyers (fractional under linear) in mature cohorts. */
  matureBuyers: number;
  /** Fewer than `tooFewBuyersThreshold` mature buyers: too few to rank reliably. */
  tooFewBuyers: boolean;
}

export interface MarketingStats {
  /** Spend per source over the window and its share of all spend (null when there is no spend). */
  spendBySource: { source: string; costs: number; share: number | null }[];
  spendByMonth: { month: string; costs: number; share: number | null }[];
  /** All spend / all buyers of the window. */
  cac: Cac;
  /** CAC per source x buyer cohort, for cells with spend or attributed buyers. */
  cacBySourceCohort: { source: string; cohort: string; costs: number; newBuyers: number; cac: Cac }[];
  /** Margin x revenue in lifetimes 0..H-1 of mature cohorts' buyers / spend in those months. */
  romiH: number | null;
  /** ROMI_s(k) per source over the cohorts with lifetime k observed; null without spend. */
  romiBySourceLifetime: { source: string; lifetime: number; romi: number | null }[];
  sources: SourceFlags[];
  tooFewBuyersThreshold: number;
  /**
   * Why spend-based numbers are withheld: with a device filter, spend (which has no device) cannot be
   * set against one device's buyers, so CAC is `not_applicable` and ROMI / payback null. null otherwise.
   */
  withheld: null | "spend_not_split_by_device";
}

/** A two-sided interval; both ends null when it cannot be estimated (nothing to resample, no spend). */
export interface Interval {
  low: number | null;
  high: number | null;
}

export interface SourceInterval {
  /** Source id, `unattributed`, or `all` (the whole slice). */
  source: string;
  ltvH: Interval;
  romiH: Interval;
  cac: Interval;
}

export interface IntervalStats {
  /** Coverage, e.g. 0.9 (`--confidence`). Percentile intervals of a Poisson bootstrap over buyers. */
  level: number;
  replicates: number;
  bySource: SourceInterval[];
  /** LTV(c, H−1) of the mature cohorts, all sources. */
  byCohort: { cohort: string; lifetime: number; ltv: Interval }[];
  /** ROMI_s(k) (as marketing.romiBySourceLifetime): bounds the payback lifetime. */
  romiBySourceLifetime: { source: string; lifetime: number; romi: Interval }[];
}

export interface SourceConcentration {
  source: string;
  /** Margin x attributed revenue in lifetimes 0..H-1 of mature cohorts (ltv_h's numerator). */
  revenue: number;
  /** Share of that revenue from the single largest buyer / from the top 1 % of buyers. */
  topBuyerShare: number | null;
  topPercentShare: number | null;
  /** ltv_h and romi_h with every order capped at the data's 99.9th percentile of order value. */
  ltvHRobust: number | null;
  romiHRobust: number | null;
  /** romi_h with the largest buyer left out (their revenue removed, spend kept). */
  romiHWithoutTopBuyer: number | null;
}

export interface CohortConcentration {
  cohort: string;
  /** Share of the cohort's revenue in lifetimes 0..H-1 (observed so far) from its largest buyer. */
  topBuyerShare: number | null;
}

export interface ConcentrationStats {
  bySource: SourceConcentration[];
  byCohort: CohortConcentration[];
}

export interface TrustStats {
  intervals: IntervalStats;
  concentration: ConcentrationStats;
  /** Forecast grids (src/forecast): observed cells as measured, the rest predicted with 80 % intervals. */
  forecast: ForecastTables;
  /**
   * "verdicts": only what a budget verdict reads (trustVerdicts: each source's ROMI interval at H,
   * concentration and forecast ROMI) — LTV and CAC bounds null, no ROMI-by-lifetime intervals. serve
   * computes the models not on screen this way, for the sensitivity line (slice-trust.ts); absent:
   * everything.
   */
  extent?: "verdicts";
}

export interface ForecastTables {
  /**
   * The model of every forecast cell here (`--forecast-model`): `power`, the pooled power curve with
   * per-source shapes shrunk toward it; `buyer`, BG/BB + Gamma-Gamma on the buyers (per source: the
   * source's attributed buyers under the pooled fit). Observed cells are measured whatever the model.
   */
  model: import("./options.ts").ForecastModel;
  /**
   * The buyer-level model's rolling-origin backtest on this run's own buyers (src/forecast/backtest.ts,
   * as `channelscope backtest`): set by `report` and `analyze` under `--forecast-model buyer`, for the
   * methods section to quote; absent otherwise (the power curve's backtest needs only the LTV matrix,
   * and the page computes it). Its summary scores both models and the no-growth baseline.
   */
  backtest?: {
    cohorts: string[];
    cases: import("../forecast/backtest.ts").BacktestCase[];
    summary: import("../forecast/backtest.ts").BacktestSummary[];
  };
  ltv: import("../forecast/ltv-forecast.ts").LtvForecastRow[];
  romi: import("../forecast/romi-forecast.ts").RomiForecastRow[];
  payback: import("../forecast/romi-forecast.ts").PaybackForecastRow[];
}
