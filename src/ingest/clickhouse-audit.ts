import type { Engine } from "../engine/engine.ts";
import { CHECKS } from "./audit.ts";
import type { TableName } from "./canonical.ts";
import type { AnalysisWindow, QualityWarning } from "./quality.ts";

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

/** analysisWindow (window.ts) over tables in ClickHouse. */
export async function clickhouseWindow(
  engine: Engine,
  bounds: { from?: string; to?: string } = {},
): Promise<AnalysisWindow | null> {
  const candidates = [
    {
      basis: "visits",
      sql: "SELECT toDate(min(start_ts)) AS lo, toDate(max(start_ts)) + 1 AS hi FROM visits",
    },
    { basis: "costs", sql: "SELECT min(date) AS lo, max(date) + 1 AS hi FROM costs" },
    { basis: "orders", sql: "SELECT toDate(min(ts)) AS lo, toDate(max(ts)) + 1 AS hi FROM orders" },
  ] as const;
  for (const { basis, sql } of candidates) {
    const [row] = await engine.all<{ lo: string | null; hi: string | null }>(
      `SELECT toString(lo) AS lo, toString(hi) AS hi FROM (${sql})`,
    );
    if (row?.lo && row.hi) {
      const given = bounds.from !== undefined || bounds.to !== undefined;
      return { from: bounds.from ?? row.lo, to: bounds.to ?? row.hi, basis: given ? "options" : basis };
    }
  }
  if (bounds.from && bounds.to) return { from: bounds.from, to: bounds.to, basis: "options" };
  return null;
}
