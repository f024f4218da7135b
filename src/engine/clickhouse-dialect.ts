import type { Dialect } from "./dialect.ts";

/**
 * The Dialect for ClickHouse, matching DuckDB's results exactly (test/clickhouse-traps.test.ts shows
 * each difference it compensates). It relies on the session settings of clickhouse-engine.ts,
 * notably `session_timezone = 'UTC'`: timestamps are DateTime64(6) holding the wall clock as UTC, so
 * no day, week or second is shifted by a daylight-saving change.
 */
export const clickhouseDialect: Dialect = {
  truncDay: (ts) => `toDate(${ts})`,
  // toStartOfWeek starts weeks on Sunday (mode 0); toMonday is the ISO week DuckDB uses.
  truncWeek: (ts) => `toMonday(${ts})`,
  truncMonth: (ts) => `toStartOfMonth(${ts})`,
  // dateDiff counts calendar-month boundaries like DuckDB's datediff; age() counts whole elapsed
  // months (Jan 31 -> Feb 1 is 1 for dateDiff and 0 for age).
  monthsBetween: (a, b) => `toInt32(dateDiff('month', ${a}, ${b}))`,
  weeksBetween: (a, b) => `toInt32(intDiv(dateDiff('day', toDate(${a}), toDate(${b})), 7))`,
  // DuckDB's CAST(DOUBLE AS BIGINT) rounds half to even (3600.5 s -> 3600); ClickHouse's toInt64 of
  // a float truncates and dateDiff('second') counts second boundaries, so the rounding is explicit.
  // The microsecond difference is exact and below 2^53, so its quotient is the double DuckDB rounds.
  secondsBetween: (a, b) => `toInt64(roundBankers(${microsDiff(a, b)} / 1000000))`,
  // quantileExactInclusive interpolates like DuckDB's quantile_cont; plain quantile() samples
  // (reservoir of 8192) and is approximate beyond that.
  // It takes no Decimal (DuckDB's takes money): the value is interpolated as a double either way.
  quantile: (expr, p) => `quantileExactInclusive(${Number(p)})(toFloat64(${expr}))`,
  safeDivide: (num, den) => `(toFloat64(${num}) / nullIf(toFloat64(${den}), 0))`,
  countDistinct: (expr) => `uniqExact(${expr})`,
  formatMonth: (date) => `formatDateTime(${date}, '%Y-%m')`,
  formatDay: (date) => `formatDateTime(${date}, '%Y-%m-%d')`,
  daysBetween: (a, b) => `toInt32(dateDiff('day', toDate(${a}), toDate(${b})))`,
  microsBetween: (a, b) => microsDiff(a, b),
  addMicros: (ts, us) => `addMicroseconds(${ts}, ${us})`,
  addDays: (date, days) => `addDays(toDate(${date}), toInt32(${days}))`,
  intDivide: (num, den) => `intDiv(${num}, ${den})`,
  // numbers() yields UInt64; DuckDB's range is BIGINT, so subtracting from it can go negative.
  integerSeries: (count) => `(SELECT toInt64(number) AS i FROM numbers(toUInt64(${count})))`,
  // The round trip rejects `007`, `+7`, ` 7` and `1e3`. NULL counts as canonical, as DuckDB's
  // `NULL IS NOT DISTINCT FROM NULL` does.
  // isNotDistinctFrom is ClickHouse's null-safe join key (it is accepted in JOIN ON, where this is used).
  nullSafeEquals: (a, b) => `isNotDistinctFrom(${a}, ${b})`,
  // A comparison is a UInt8 in ClickHouse; toBool makes it the boolean DuckDB returns.
  isCanonicalU64: (expr) =>
    `toBool(${expr} IS NULL OR ifNull(toString(toUInt64OrNull(${expr})) = ${expr}, false))`,
  toU64: (expr) => `toUInt64(${expr})`,
  // DuckDB's md5_number_upper: the MD5's first 8 bytes read little-endian, so buckets agree.
  bucketOf: (expr, buckets) =>
    `toInt32(reinterpretAsUInt64(substring(MD5(${expr}), 1, 8)) % ${Math.trunc(Number(buckets))})`,
};

function microsDiff(a: string, b: string): string {
  return `(toUnixTimestamp64Micro(toDateTime64(${b}, 6)) - toUnixTimestamp64Micro(toDateTime64(${a}, 6)))`;
}
