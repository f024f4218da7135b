/**
 * The tidy tables of the spec's "Exported tables", as typed rows. This is the contract between the
 * SQL metric engine, the naive reference implementation (test/naive) and the CSV writer.
 *
 * Conventions (docs/decisions.md): periods are strings — months `YYYY-MM`, days and weeks (Monday)
 * `YYYY-MM-DD`; unobserved cells are `null`; ratios are JS numbers; CAC is a number or one of the
 * words `infinite` (spend, no buyers), `no_spend` and `not_applicable` (a device filter: spend is not
 * split by device, so no CAC can be set against one device's buyers).
 */
export type Cac = number | "infinite" | "no_spend" | "not_applicable";

export interface SummaryRow {
  metric: string;
  value: number | string | null;
}

export interface ActivityRow {
  period: string;
  users: number;
  sessions: number;
  partial: boolean;
}

export interface RetentionRow {
  cohort: string;
  lifetime: number;
  cohort_size: number;
  users: number | null;
  retention: number | null;
}

export type LagDimension = "all" | "source" | "device" | "cohort";
export type LagBucket = "0d" | "1d" | "2-7d" | "8-30d" | "31+d";
export const LAG_BUCKETS: readonly LagBucket[] = ["0d", "1d", "2-7d", "8-30d", "31+d"];

export interface ConversionLagRow {
  dimension: LagDimension;
  /** `all` for dimension all; the source id, device or acquisition cohort otherwise. */
  key: string;
  bucket: LagBucket;
  buyers: number;
  share: number;
}

export interface OrdersByCohortRow {
  cohort: string;
  lifetime: number;
  orders: number;
  revenue: number;
  /** Distinct buyers of the cohort who ordered in that lifetime. */
  buyers: number;
  aov: number | null;
}

export interface LtvRow {
  cohort: string;
  lifetime: number;
  cohort_size: number;
  /** Cumulative revenue through this lifetime; null when unobserved. */
  revenue: number | null;
  ltv: number | null;
}

export interface CacByCohortRow {
  cohort: string;
  costs: number;
  new_buyers: number;
  cac: Cac;
}

export interface RomiByCohortRow {
  cohort: string;
  lifetime: number;
  romi: number | null;
}

export interface PaybackByCohortRow {
  cohort: string;
  /** Smallest lifetime with ROMI >= 1, or null ("not yet"). */
  payback_lifetime: number | null;
}

export interface BySourceRow {
  /** Source id, or `unattributed`. */
  source: string;
  users: number;
  /** Attributed buyers (fractional under linear attribution). */
  buyers: number;
  conversion_rate: number | null;
  costs: number;
  cac: Cac;
  ltv_h: number | null;
  romi_h: number | null;
  payback_lifetime: number | null;
}

export interface ByDeviceRow {
  device: string;
  users: number;
  buyers: number;
  conversion_rate: number | null;
  ltv_h: number | null;
}

export interface CostsBySourceMonthRow {
  source: string;
  month: string;
  costs: number;
}

/** Every exported table, keyed by its CSV file name without `.csv`. */
export interface Tables {
  summary: SummaryRow[];
  activity_daily: ActivityRow[];
  activity_weekly: ActivityRow[];
  activity_monthly: ActivityRow[];
  retention: RetentionRow[];
  conversion_lag: ConversionLagRow[];
  orders_by_cohort: OrdersByCohortRow[];
  ltv: LtvRow[];
  cac_by_cohort: CacByCohortRow[];
  romi_by_cohort: RomiByCohortRow[];
  payback_by_cohort: PaybackByCohortRow[];
  by_source: BySourceRow[];
  by_device: ByDeviceRow[];
  costs_by_source_month: CostsBySourceMonthRow[];
}

/** The metrics of summary.csv, in the spec's order (h = horizon). */
export const SUMMARY_METRICS = [
  "users",
  "sessions",
  "buyers",
  "orders",
  "revenue",
  "costs",
  "dau",
  "wau",
  "mau",
  "sticky_wau",
  "sticky_mau",
  "sessions_per_user_day",
  "session_mean_s",
  "session_median_s",
  "session_mode_s",
  "conversion_lag_mean_days",
  "conversion_lag_median_min",
  "conversion_rate",
  "aov",
  "orders_per_buyer_h",
  "ltv_h",
  "ltv_h_cohort_mean",
  "cac",
  "romi_h",
  "attribution",
  "horizon_months",
] as const;

/** Canonical input rows as plain JS values (used by the naive implementation and small fixtures). */
export interface VisitRecord {
  user_id: string;
  device: string;
  source_id: string;
  /** `YYYY-MM-DD HH:MM:SS` wall clock. */
  start_ts: string;
  end_ts: string;
}
export interface OrderRecord {
  user_id: string;
  ts: string;
  /** Decimal string, e.g. `"17.00"`, so money stays exact. */
  revenue: string;
}
export interface CostRecord {
  source_id: string;
  /** `YYYY-MM-DD`. */
  date: string;
  costs: string;
}

export type Attribution = "first-touch" | "last-touch" | "linear";
export type CohortGrain = "month" | "week";

/** Options both implementations take; `from`/`to` are `YYYY-MM-DD`, `to` exclusive. */
export interface MetricOptions {
  from: string;
  to: string;
  horizon: number;
  margin: number;
  attribution: Attribution;
  cohortGrain: CohortGrain;
}
