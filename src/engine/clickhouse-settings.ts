import type { ClickHouseSettings } from "@clickhouse/client";

/**
 * Session settings under which ClickHouse computes what DuckDB computes. Each one was measured to
 * matter (test/clickhouse-traps.test.ts); without the first three, 5 of the 14 metric tables came
 * out silently wrong.
 */
export const EXACT_SETTINGS: ClickHouseSettings = {
  // A LEFT JOIN miss gives NULL, not the type's default (0, ''), so COALESCE and IS NULL work.
  join_use_nulls: 1,
  // ROLLUP / GROUPING SETS mark the rolled-up key NULL, not 0 or '' (which collide with real keys).
  group_by_use_nulls: 1,
  // `SELECT x * 2 AS x, x + 1 AS y` reads the input column x in `y`, as standard SQL does;
  // ClickHouse otherwise substitutes the alias.
  prefer_column_name_to_alias: 1,
  // sum/min/max over no rows is NULL as in standard SQL, not 0.
  aggregate_functions_null_for_empty: 1,
  // CAST of a Nullable keeps it Nullable instead of failing on NULL.
  cast_keep_nullable: 1,
  // A bare UNION means UNION DISTINCT, as in standard SQL (ClickHouse refuses it otherwise).
  union_default_mode: "DISTINCT",
  // DuckDB does not require an alias on a joined subquery.
  joined_subquery_requires_alias: 0,
  // Timestamps are zone-less wall clock: read and compute them as UTC, which has no DST gaps.
  session_timezone: "UTC",
  // JSON numbers lose digits past 2^53: 64-bit integers (ids, counts) and decimals (money) come
  // back as strings, as the DuckDB adapter returns them.
  output_format_json_quote_64bit_integers: 1,
  output_format_json_quote_decimals: 1,
  output_format_decimal_trailing_zeros: 1,
};
