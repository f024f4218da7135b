/**
 * The SQL expressions that differ between engines. Metrics build their SQL from these and never
 * spell engine syntax themselves. Conventions fixed here: weeks start on Monday (ISO), months are
 * calendar months, timestamps are zone-less wall clock.
 */
export interface Dialect {
  /** Start of the day / ISO week (Monday) / calendar month containing `ts`, as a DATE. */
  truncDay(ts: string): string;
  truncWeek(ts: string): string;
  truncMonth(ts: string): string;
  /** Whole calendar months from month `a` to month `b` (both already truncated to months). */
  monthsBetween(a: string, b: string): string;
  /** Whole weeks from week start `a` to week start `b`. */
  weeksBetween(a: string, b: string): string;
  /** Seconds from `a` to `b` (b - a), as a whole number. */
  secondsBetween(a: string, b: string): string;
  /** Interpolated quantile of `expr`, p in [0, 1]. */
  quantile(expr: string, p: number): string;
  /** `num / den` as a double, NULL when den = 0. */
  safeDivide(num: string, den: string): string;
  /** Exact count of distinct values. */
  countDistinct(expr: string): string;
  /** Formats a DATE as `YYYY-MM` / `YYYY-MM-DD`. */
  formatMonth(date: string): string;
  formatDay(date: string): string;
  /** Whole calendar days from `a` to `b` (date parts only), as INTEGER. */
  daysBetween(a: string, b: string): string;
  /** Microseconds from timestamp `a` to `b`, as BIGINT (the engine's timestamp resolution). */
  microsBetween(a: string, b: string): string;
  /** Timestamp `ts` plus `us` microseconds. */
  addMicros(ts: string, us: string): string;
  /** Date `date` plus `days` whole days, as a DATE. */
  addDays(date: string, days: string): string;
  /** Integer division truncating toward zero, for non-negative operands (`//` is a comment in ClickHouse). */
  intDivide(num: string, den: string): string;
  /** A table expression of one BIGINT column `i` holding 0 .. count-1. */
  integerSeries(count: string): string;
  /** `a = b` where two NULLs are equal (join keys that may be NULL, e.g. the unattributed key). */
  nullSafeEquals(a: string, b: string): string;
  /** True when the text `expr` is the canonical decimal form of an unsigned 64-bit integer. */
  isCanonicalU64(expr: string): string;
  /** The unsigned 64-bit integer written in `expr` (only where isCanonicalU64 holds). */
  toU64(expr: string): string;
  /**
   * An INTEGER bucket in [0, buckets) from a one-argument hash of `expr` (the bootstrap's user buckets;
   * ClickHouse: `toInt32(cityHash64(expr) % buckets)`). Only one argument: DuckDB's multi-argument
   * hash is correlated across its second argument (metrics/bootstrap.ts).
   */
  bucketOf(expr: string, buckets: number): string;
}

export const duckdbDialect: Dialect = {
  truncDay: (ts) => `CAST(${ts} AS DATE)`,
  // DuckDB's date_trunc('week') already follows ISO weeks (Monday start).
  truncWeek: (ts) => `CAST(date_trunc('week', ${ts}) AS DATE)`,
  truncMonth: (ts) => `CAST(date_trunc('month', ${ts}) AS DATE)`,
  monthsBetween: (a, b) => `CAST(datediff('month', ${a}, ${b}) AS INTEGER)`,
  weeksBetween: (a, b) => `CAST(datediff('day', ${a}, ${b}) / 7 AS INTEGER)`,
  secondsBetween: (a, b) => `CAST(epoch(${b}) - epoch(${a}) AS BIGINT)`,
  quantile: (expr, p) => `quantile_cont(${expr}, ${Number(p)})`,
  safeDivide: (num, den) => `CAST(${num} AS DOUBLE) / NULLIF(CAST(${den} AS DOUBLE), 0)`,
  countDistinct: (expr) => `count(DISTINCT ${expr})`,
  formatMonth: (date) => `strftime(${date}, '%Y-%m')`,
  formatDay: (date) => `strftime(${date}, '%Y-%m-%d')`,
  daysBetween: (a, b) => `CAST(datediff('day', ${a}, ${b}) AS INTEGER)`,
  microsBetween: (a, b) => `(epoch_us(${b}) - epoch_us(${a}))`,
  addMicros: (ts, us) => `(${ts} + to_microseconds(${us}))`,
  addDays: (date, days) => `CAST(${date} + CAST(${days} AS INTEGER) AS DATE)`,
  intDivide: (num, den) => `(${num} // ${den})`,
  integerSeries: (count) => `(SELECT range AS i FROM range(CAST(${count} AS BIGINT)))`,
  nullSafeEquals: (a, b) => `(${a} IS NOT DISTINCT FROM ${b})`,
  // The round trip rejects `007`, `+7`, ` 7`, `7_0` and `1e3`, which the cast alone would accept.
  isCanonicalU64: (expr) => `(CAST(TRY_CAST(${expr} AS UBIGINT) AS VARCHAR) IS NOT DISTINCT FROM ${expr})`,
  toU64: (expr) => `CAST(${expr} AS UBIGINT)`,
  bucketOf: (expr, buckets) => `CAST(hash(${expr}) % ${Math.trunc(Number(buckets))} AS INTEGER)`,
};
