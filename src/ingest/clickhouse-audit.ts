import type { Engine } from "../engine/engine.ts";
import { CHECKS } from "./audit.ts";
import type { TableName } from "./canonical.ts";
import type { AnalysisWindow, QualityWarning } from "./quality.ts";
import { TIME_COLUMN } from "./window.ts";

/**
 * The audit of audit.ts (same warnings, counts, examples and messages) in ClickHouse SQL, for inputs
 * read in place: the checks run where the rows are, and only counts and a few examples come back.
 * Each check is a count and an examples query (ORDER BY ... LIMIT, so no list of a billion rows is
 * built).
 */
interface ClickHouseCheck {
  code: QualityWarning["code"];
  table: TableName;
  needs: TableName[];
  count: string;
  examples: string;
}

const ts = (col: string) => `formatDateTime(${col}, '%Y-%m-%d %H:%i:%S')`;
const FROM_TS = "toDateTime64($from, 6, 'UTC')";
const TO_TS = "toDateTime64($to, 6, 'UTC')";
const inWindowDays = "date >= toDate($from) AND date < toDate($to)";

const outside = (table: "visits" | "orders"): ClickHouseCheck => {
  const col = table === "visits" ? "start_ts" : "ts";
  const where = `NOT (${col} >= ${FROM_TS} AND ${col} < ${TO_TS})`;
  return {
    code: "outside_window",
    table,
    needs: [table],
    count: `SELECT count() AS n FROM ${table} WHERE ${where}`,
    examples: `SELECT concat(${ts(col)}, ' user ', user_id) AS e FROM ${table} WHERE ${where} ORDER BY ${col} LIMIT 5`,
  };
};

// The days of the window between the first and the last cost day, crossed with every source.
const MISSING_COST_DAYS = `
  WITH c AS (SELECT source_id, date FROM costs WHERE ${inWindowDays}),
    first AS (SELECT min(date) AS lo, max(date) AS hi FROM c)
  SELECT s.source_id AS source_id, d.day AS day
  FROM (SELECT DISTINCT source_id FROM c) AS s
  CROSS JOIN (SELECT addDays((SELECT lo FROM first), toInt32(number)) AS day
              FROM numbers(toUInt64(ifNull(dateDiff('day', (SELECT lo FROM first), (SELECT hi FROM first)) + 1, 0)))) AS d
  WHERE (s.source_id, d.day) NOT IN (SELECT source_id, date FROM c)`;

const CH_CHECKS: ClickHouseCheck[] = [
  ...(["visits", "orders", "costs"] as const).map((table): ClickHouseCheck => {
    const col = TIME_COLUMN[table];
    const where = `fences.lo IS NOT NULL AND (${micros(table)} < fences.lo OR ${micros(table)} > fences.hi)`;
    const label =
      table === "costs"
        ? "concat(formatDateTime(date, '%Y-%m-%d'), ' source ', source_id)"
        : `concat(${ts(col)}, ' user ', user_id)`;
    return {
      code: "time_outliers",
      table,
      needs: [table],
      count: `SELECT count() AS n FROM ${table} CROSS JOIN ${outlierFences(table)} AS fences WHERE ${where}`,
      examples: `SELECT ${label} AS e FROM ${table} CROSS JOIN ${outlierFences(table)} AS fences WHERE ${where}
                 ORDER BY ${col} LIMIT 5`,
    };
  }),
  {
    code: "end_before_start",
    table: "visits",
    needs: ["visits"],
    count: "SELECT count() AS n FROM visits WHERE end_ts < start_ts",
    examples: `SELECT concat(${ts("start_ts")}, ' user ', user_id, ' ends ', ${ts("end_ts")}) AS e FROM visits
               WHERE end_ts < start_ts ORDER BY start_ts, user_id LIMIT 5`,
  },
  {
    code: "duplicate_cost_days",
    table: "costs",
    needs: ["costs"],
    count:
      "SELECT count() AS n FROM (SELECT date, source_id FROM costs GROUP BY date, source_id HAVING count() > 1)",
    // Amounts as DuckDB prints a DOUBLE: 7.0, 10.5.
    examples: `SELECT concat(formatDateTime(date, '%Y-%m-%d'), ' source ', source_id, ': ',
                 arrayStringConcat(arrayMap(x -> if(x = floor(x), concat(toString(x), '.0'), toString(x)),
                   arraySort(groupArray(toFloat64(costs)))), ' + ')) AS e
               FROM costs GROUP BY date, source_id HAVING count() > 1 ORDER BY date, source_id LIMIT 5`,
  },
  {
    code: "zero_revenue",
    table: "orders",
    needs: ["orders"],
    count: "SELECT count() AS n FROM orders WHERE revenue = 0",
    examples: `SELECT concat(${ts("ts")}, ' user ', user_id) AS e FROM orders WHERE revenue = 0 ORDER BY ts, user_id LIMIT 5`,
  },
  outside("visits"),
  outside("orders"),
  {
    code: "outside_window",
    table: "costs",
    needs: ["costs"],
    count: `SELECT count() AS n FROM costs WHERE NOT (${inWindowDays})`,
    examples: `SELECT concat(formatDateTime(date, '%Y-%m-%d'), ' source ', source_id) AS e FROM costs
               WHERE NOT (${inWindowDays}) ORDER BY date LIMIT 5`,
  },
  {
    code: "orders_without_visits",
    table: "orders",
    needs: ["orders", "visits"],
    count: "SELECT count() AS n FROM orders WHERE user_id NOT IN (SELECT user_id FROM visits)",
    examples: `SELECT DISTINCT concat('user ', user_id) AS e FROM orders
               WHERE user_id NOT IN (SELECT user_id FROM visits) ORDER BY e LIMIT 5`,
  },
  {
    code: "missing_cost_days",
    table: "costs",
    needs: ["costs"],
    count: `SELECT count() AS n FROM (${MISSING_COST_DAYS})`,
    examples: `SELECT concat(formatDateTime(day, '%Y-%m-%d'), ': source ',
                 arrayStringConcat(arraySort(x -> (length(x), x), groupArray(source_id)), ', ')) AS e
               FROM (${MISSING_COST_DAYS}) GROUP BY day ORDER BY day LIMIT 10`,
  },
  {
    code: "spend_without_sessions",
    table: "costs",
    needs: ["costs", "visits"],
    count: `SELECT count() AS n FROM (SELECT DISTINCT source_id FROM costs WHERE costs > 0
            AND source_id NOT IN (SELECT source_id FROM visits))`,
    examples: `SELECT DISTINCT concat('source ', source_id) AS e, source_id FROM costs WHERE costs > 0
               AND source_id NOT IN (SELECT source_id FROM visits) ORDER BY source_id LIMIT 10`,
  },
  {
    code: "sessions_without_spend",
    table: "visits",
    needs: ["costs", "visits"],
    count: "SELECT count() AS n FROM visits WHERE source_id NOT IN (SELECT source_id FROM costs)",
    examples: `SELECT DISTINCT concat('source ', source_id) AS e FROM visits
               WHERE source_id NOT IN (SELECT source_id FROM costs) ORDER BY e LIMIT 10`,
  },
];

export async function clickhouseAuditWarnings(
  engine: Engine,
  present: Record<TableName, boolean>,
  window: AnalysisWindow,
): Promise<QualityWarning[]> {
  const warnings: QualityWarning[] = [];
  for (const check of CH_CHECKS) {
    if (!check.needs.every((t) => present[t])) continue;
    const params = (sql: string) =>
      sql.includes("$from") ? { from: window.from, to: window.to } : undefined;
    const [row] = await engine.all<{ n: string }>(check.count, params(check.count));
    const count = Number(row?.n ?? 0);
    if (count === 0) continue;
    const examples = (await engine.all<{ e: string }>(check.examples, params(check.examples))).map(
      (r) => r.e,
    );
    const message = CHECKS.find((c) => c.code === check.code && c.table === check.table)!.message(count);
    warnings.push({ code: check.code, table: check.table, count, message, examples });
  }
  return warnings;
}

/** A table's time column as microseconds since the epoch (dates at midnight), as a Float64. */
function micros(table: TableName): string {
  return `toFloat64(toUnixTimestamp64Micro(toDateTime64(${TIME_COLUMN[table]}, 6, 'UTC')))`;
}

/**
 * window.ts's outlier fences in ClickHouse SQL: Tukey's far-out fences (3 IQR, at least a day), kept
 * only when at most 1 % of the rows (and at least one) lie beyond them. DuckDB takes the quartiles
 * with approx_quantile (on a few rows it interpolates midway between neighbours); these are exact
 * quartiles, so on a handful of rows a far row can be judged differently (docs/clickhouse.md).
 */
function outlierFences(table: TableName): string {
  const t = micros(table);
  return `(WITH f AS (
      SELECT q1 - 3 * greatest(q3 - q1, 86400e6) AS lo, q3 + 3 * greatest(q3 - q1, 86400e6) AS hi, n
      FROM (SELECT quantileExactInclusive(0.25)(${t}) AS q1, quantileExactInclusive(0.75)(${t}) AS q3, count() AS n
            FROM ${table}))
    SELECT if(k > 0 AND k <= greatest(1, 0.01 * n), lo, NULL) AS lo, if(k > 0 AND k <= greatest(1, 0.01 * n), hi, NULL) AS hi
    FROM (SELECT any(f.lo) AS lo, any(f.hi) AS hi, any(f.n) AS n, countIf(${t} < f.lo OR ${t} > f.hi) AS k
          FROM ${table} CROSS JOIN f))`;
}

/** analysisWindow (window.ts) over tables in ClickHouse, time outliers left out as there. */
export async function clickhouseWindow(
  engine: Engine,
  bounds: { from?: string; to?: string } = {},
): Promise<AnalysisWindow | null> {
  const candidates = [
    { basis: "visits", table: "visits" },
    { basis: "costs", table: "costs" },
    { basis: "orders", table: "orders" },
  ] as const;
  for (const { basis, table } of candidates) {
    const col = TIME_COLUMN[table];
    const [row] = await engine.all<{ lo: string | null; hi: string | null }>(
      `SELECT toString(toDate(min(${col}))) AS lo, toString(toDate(max(${col})) + 1) AS hi
       FROM ${table} CROSS JOIN ${outlierFences(table)} AS fences
       WHERE fences.lo IS NULL OR ${micros(table)} BETWEEN fences.lo AND fences.hi`,
    );
    if (row?.lo && row.hi) {
      const given = bounds.from !== undefined || bounds.to !== undefined;
      return { from: bounds.from ?? row.lo, to: bounds.to ?? row.hi, basis: given ? "options" : basis };
    }
  }
  if (bounds.from && bounds.to) return { from: bounds.from, to: bounds.to, basis: "options" };
  return null;
}
