import type { Engine } from "../engine/engine.ts";
import { anomalyWarnings } from "./anomalies.ts";
import type { TableName } from "./canonical.ts";
import type { AnalysisWindow, QualityWarning } from "./quality.ts";
import { outlierFencesSql, TIME_COLUMN } from "./window.ts";

type Present = Record<TableName, boolean>;

interface Check {
  code: QualityWarning["code"];
  table: TableName;
  needs: TableName[];
  /** Returns n (count) and examples (VARCHAR list); binds $from and $to. */
  sql: string;
  message: (count: number) => string;
}

const fmtTs = (col: string) => `strftime(${col}, '%Y-%m-%d %H:%M:%S')`;
const inWindow = (col: string) => `${col} >= $from::TIMESTAMP AND ${col} < $to::TIMESTAMP`;

/**
 * The warnings of the audit: rows kept but worth knowing about. Each check is one aggregate query over
 * the canonical tables, run only when the tables it needs were given.
 */
export const CHECKS: Check[] = [
  ...(["visits", "orders", "costs"] as const).map(
    (table): Check => ({
      code: "time_outliers",
      table,
      needs: [table],
      sql: `SELECT count(*) AS n, list(${table === "costs" ? "strftime(date, '%Y-%m-%d') || ' source ' || source_id" : `${fmtTs(TIME_COLUMN[table])} || ' user ' || user_id`} ORDER BY ${TIME_COLUMN[table]})[1:5] AS ex
            FROM ${table}, ${outlierFencesSql(table)} f
            WHERE f.lo IS NOT NULL AND (CAST(${TIME_COLUMN[table]} AS TIMESTAMP) < f.lo OR CAST(${TIME_COLUMN[table]} AS TIMESTAMP) >= f.hi)`,
      message: (n) =>
        `${rows(n, table === "visits" ? "session" : table === "orders" ? "order" : "cost row")} far outside the rest of the data in time (left out of the default window)`,
    }),
  ),
  {
    code: "end_before_start",
    table: "visits",
    needs: ["visits"],
    sql: `SELECT count(*) AS n,
            list(${fmtTs("start_ts")} || ' user ' || user_id || ' ends ' || ${fmtTs("end_ts")} ORDER BY start_ts, user_id)[1:5] AS ex
          FROM visits WHERE end_ts < start_ts`,
    message: (n) =>
      `${rows(n, "session")} ending before they start (kept as visits; left out of session length only)`,
  },
  {
    code: "duplicate_cost_days",
    table: "costs",
    needs: ["costs"],
    // Exact repeats were rejected already: what is left are rows with different amounts. They are summed.
    sql: `SELECT count(*) AS n, list(line ORDER BY date, source_id)[1:5] AS ex FROM (
            SELECT date, source_id, strftime(date, '%Y-%m-%d') || ' source ' || source_id || ': '
                   || string_agg(CAST(costs AS DOUBLE)::VARCHAR, ' + ' ORDER BY costs) AS line
            FROM costs GROUP BY date, source_id HAVING count(*) > 1)`,
    message: (n) =>
      `${rows(n, "source-day")} with more than one cost row of different amounts (summed into the day's spend)`,
  },
  {
    code: "zero_revenue",
    table: "orders",
    needs: ["orders"],
    sql: `SELECT count(*) AS n, list(${fmtTs("ts")} || ' user ' || user_id ORDER BY ts, user_id)[1:5] AS ex
          FROM orders WHERE revenue = 0`,
    message: (n) => `${rows(n, "order")} with revenue 0 (kept: they count as orders and buyers)`,
  },
  ...(["visits", "orders"] as const).map(
    (table): Check => ({
      code: "outside_window",
      table,
      needs: [table],
      sql: `SELECT count(*) AS n, list(${fmtTs(tsOf(table))} || ' user ' || user_id ORDER BY ${tsOf(table)})[1:5] AS ex
            FROM ${table} WHERE NOT (${inWindow(tsOf(table))})`,
      message: (n) =>
        `${rows(n, table === "visits" ? "session" : "order")} outside the analysis window (kept in the data, left out of every metric)`,
    }),
  ),
  {
    code: "outside_window",
    table: "costs",
    needs: ["costs"],
    sql: `SELECT count(*) AS n, list(strftime(date, '%Y-%m-%d') || ' source ' || source_id ORDER BY date)[1:5] AS ex
          FROM costs WHERE NOT (date >= $from::DATE AND date < $to::DATE)`,
    message: (n) => `${rows(n, "cost row")} outside the analysis window (left out of every metric)`,
  },
  {
    code: "orders_without_visits",
    table: "orders",
    needs: ["orders", "visits"],
    sql: `SELECT count(*) AS n, list(DISTINCT 'user ' || o.user_id ORDER BY 'user ' || o.user_id)[1:5] AS ex FROM orders o
          WHERE NOT EXISTS (SELECT 1 FROM visits v WHERE v.user_id = o.user_id)`,
    message: (n) => `${rows(n, "order")} by users never seen in visits (they count as buyers, unattributed)`,
  },
  {
    code: "missing_cost_days",
    table: "costs",
    needs: ["costs"],
    // Every source is expected on every day from the first to the last cost day inside the window.
    sql: `WITH c AS (SELECT * FROM costs WHERE date >= $from::DATE AND date < $to::DATE),
          days AS (SELECT unnest(generate_series(min(date), max(date), INTERVAL 1 DAY))::DATE AS day FROM c),
          missing AS (SELECT s.source_id, d.day FROM (SELECT DISTINCT source_id FROM c) s CROSS JOIN days d
                      ANTI JOIN c ON c.source_id = s.source_id AND c.date = d.day)
          SELECT (SELECT count(*) FROM missing) AS n, list(line ORDER BY day)[1:10] AS ex FROM (
            SELECT day, strftime(day, '%Y-%m-%d') || ': source ' || string_agg(source_id, ', ' ORDER BY length(source_id), source_id) AS line
            FROM missing GROUP BY day)`,
    message: (n) => `${rows(n, "source-day")} without a cost row (read as no spend that day)`,
  },
  {
    code: "spend_without_sessions",
    table: "costs",
    needs: ["costs", "visits"],
    sql: `SELECT count(*) AS n, list('source ' || source_id ORDER BY source_id)[1:10] AS ex FROM
          (SELECT DISTINCT source_id FROM costs WHERE costs > 0 EXCEPT SELECT DISTINCT source_id FROM visits)`,
    message: (n) => `${rows(n, "source")} with spend but no sessions (their spend buys no measurable users)`,
  },
  {
    code: "sessions_without_spend",
    table: "visits",
    needs: ["costs", "visits"],
    sql: `SELECT count(*) AS n, list(DISTINCT 'source ' || source_id ORDER BY 'source ' || source_id)[1:10] AS ex FROM visits
          WHERE source_id NOT IN (SELECT source_id FROM costs)`,
    message: (n) =>
      `${rows(n, "session")} from sources without spend (organic or unpaid: no CAC, shown as "no spend")`,
  },
];

function rows(n: number, noun: string): string {
  return `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;
}

function tsOf(table: "visits" | "orders"): string {
  return table === "visits" ? "start_ts" : "ts";
}

export async function auditWarnings(
  engine: Engine,
  present: Present,
  window: AnalysisWindow,
): Promise<QualityWarning[]> {
  const warnings: QualityWarning[] = [];
  for (const check of CHECKS) {
    if (!check.needs.every((t) => present[t])) continue;
    const params = check.sql.includes("$from") ? { from: window.from, to: window.to } : undefined;
    const [row] = await engine.all<{ n: number; ex: string }>(
      `SELECT n::DOUBLE AS n, to_json(ex)::VARCHAR AS ex FROM (${check.sql})`,
      params,
    );
    const count = row?.n ?? 0;
    if (count === 0) continue;
    const examples = JSON.parse(row?.ex ?? "[]") as string[];
    warnings.push({ code: check.code, table: check.table, count, message: check.message(count), examples });
  }
  return [...warnings, ...(await anomalyWarnings(engine, present, window))];
}
