/**
 * Anomalies in time that a reader should know before trusting a trend: many sessions stamped with one
 * timestamp (a bulk import, not visitors), days far above or below the days around them (a tracker
 * outage, a double load), and days without any session inside the data's span. Rows are kept; these
 * are warnings. Thresholds and their reasons: docs/decisions.md, "Anomalies in time".
 */
import type { Engine } from "../engine/engine.ts";
import type { TableName } from "./canonical.ts";
import type { AnalysisWindow, QualityWarning } from "./quality.ts";

/** A timestamp holding at least this many sessions is a pile-up (the sample's busiest minute holds 12)… */
export const PILEUP_MIN_SESSIONS = 1000;
/** …and at least this many times the mean per occupied timestamp (so 40M sessions by the minute pass). */
export const PILEUP_MIN_FACTOR = 50;
/** A day is compared with the median of the 7 days either side of it (itself excluded). */
export const ROLLING_HALF_WIDTH = 7;
/**
 * Unusual: at least 5 times that median, or at most a fifth of it. A promotion day stays below (the
 * sample's Black Friday is 3.1x in sessions and 3.7x in spend, Afisha's real one ~3x).
 */
export const UNUSUAL_FACTOR = 5;
/** Below this rolling median of sessions a day, ratios are noise (and small fixtures are sparse). */
export const MIN_MEDIAN_SESSIONS = 30;
/** Fewer neighbouring days than this with data, and there is no baseline to compare a day with. */
const MIN_NEIGHBOUR_DAYS = 7;
/** How many cases a warning shows. */
const EXAMPLES = 10;

interface Anomaly {
  code: QualityWarning["code"];
  table: TableName;
  needs: TableName;
  /** Returns n (count) and ex (VARCHAR list); binds $from, $to and the thresholds. */
  sql: string;
  message: (count: number) => string;
}

/**
 * One pass over the sessions (the canonical visits is a view over the ingested rows, so every scan
 * costs): per day inside the window, its sessions, its distinct timestamps and the timestamps holding
 * at least PILEUP_MIN_SESSIONS. A few hundred rows; every visits check below reads only this.
 */
const DAYS_TABLE = "anomaly_days";
const DAYS_SQL = `CREATE OR REPLACE TEMP TABLE ${DAYS_TABLE} AS
  SELECT CAST(start_ts AS DATE) AS d_day, sum(n) AS n, count(*) AS instants,
    list({'ts': start_ts, 'n': n}) FILTER (WHERE n >= $pileup) AS piles
  FROM (SELECT start_ts, count(*) AS n FROM visits
        WHERE start_ts >= $from::TIMESTAMP AND start_ts < $to::TIMESTAMP GROUP BY start_ts)
  GROUP BY 1`;

/** Daily sessions inside the window on every day of their span, 0 where none, with the rolling median. */
const DAILY_SESSIONS = `
  d AS (SELECT d_day, n FROM ${DAYS_TABLE}),
  span AS (SELECT unnest(generate_series(min(d_day), max(d_day), INTERVAL 1 DAY))::DATE AS d_day FROM d),
  filled AS (SELECT span.d_day, coalesce(d.n, 0) AS n FROM span LEFT JOIN d USING (d_day)),
  rolled AS (
    SELECT d_day, n,
      median(n) OVER w AS med,
      count(*) OVER w AS neighbours
    FROM filled
    WINDOW w AS (ORDER BY d_day ROWS BETWEEN $half PRECEDING AND $half FOLLOWING EXCLUDE CURRENT ROW))`;

/**
 * Daily spend on the days every costed source has a row (a day with rows missing is already
 * missing_cost_days, and its low total says nothing more), with the rolling median over those days.
 */
const DAILY_SPEND = `
  c AS (SELECT * FROM costs WHERE date >= $from::DATE AND date < $to::DATE),
  d AS (SELECT date AS d_day, sum(costs)::DOUBLE AS n, count(DISTINCT source_id) AS sources FROM c GROUP BY 1),
  complete AS (SELECT d_day, n FROM d WHERE sources = (SELECT count(DISTINCT source_id) FROM c)),
  rolled AS (
    SELECT d_day, n,
      median(n) OVER w AS med,
      count(*) OVER w AS neighbours
    FROM complete
    WINDOW w AS (ORDER BY d_day RANGE BETWEEN INTERVAL ($half) DAY PRECEDING AND INTERVAL ($half) DAY FOLLOWING
                 EXCLUDE CURRENT ROW))`;

const unusual = (minMedian: string) =>
  `neighbours >= $neighbours AND med > ${minMedian} AND (n >= med * $factor OR n <= med / $factor)`;

const ANOMALIES: Anomaly[] = [
  {
    code: "time_pileup",
    table: "visits",
    needs: "visits",
    sql: `WITH piles AS (SELECT unnest(piles) AS pile FROM ${DAYS_TABLE}),
          p AS (SELECT struct_extract(pile, 'ts') AS ts, struct_extract(pile, 'n') AS n FROM piles,
                  (SELECT sum(n) / sum(instants) AS mean FROM ${DAYS_TABLE}) m
                WHERE struct_extract(pile, 'n') >= m.mean * $pileupFactor)
          SELECT coalesce(sum(n), 0) AS n,
            list(strftime(ts, '%Y-%m-%d %H:%M:%S') || ' × ' || n ORDER BY n DESC, ts)[1:${EXAMPLES}] AS ex
          FROM p`,
    message: (n) =>
      `${rows(n, "session")} piled up on single timestamps (${PILEUP_MIN_SESSIONS.toLocaleString("en-US")} or more at one instant: a bulk import rather than visitors; kept)`,
  },
  {
    code: "session_gaps",
    table: "visits",
    needs: "visits",
    sql: `WITH ${DAILY_SESSIONS}
          SELECT count(*) AS n, list(strftime(d_day, '%Y-%m-%d') || ' (median ' || CAST(round(med) AS BIGINT) || ')' ORDER BY d_day)[1:${EXAMPLES}] AS ex
          FROM rolled WHERE n = 0 AND neighbours >= $neighbours AND med >= $minSessions`,
    message: (n) =>
      `${rows(n, "day")} without any session inside the data's span (a tracking outage or a missing export: those days count as no visitors)`,
  },
  {
    code: "unusual_days",
    table: "visits",
    needs: "visits",
    sql: `WITH ${DAILY_SESSIONS}
          SELECT count(*) AS n, list(strftime(d_day, '%Y-%m-%d') || ': ' || n || ' (median ' || CAST(round(med) AS BIGINT) || ')' ORDER BY d_day)[1:${EXAMPLES}] AS ex
          FROM rolled WHERE n > 0 AND med >= $minSessions AND ${unusual("0")}`,
    message: (n) =>
      `${rows(n, "day")} whose sessions are ${UNUSUAL_FACTOR} times or more, or a fifth or less, of the median of the ${ROLLING_HALF_WIDTH} days either side (check the tracking before reading the trend)`,
  },
  {
    code: "unusual_days",
    table: "costs",
    needs: "costs",
    sql: `WITH ${DAILY_SPEND}
          SELECT count(*) AS n,
            list(strftime(d_day, '%Y-%m-%d') || ': ' || printf('%.2f', n) || ' (median ' || printf('%.2f', med) || ')' ORDER BY d_day)[1:${EXAMPLES}] AS ex
          FROM rolled WHERE ${unusual("0")}`,
    message: (n) =>
      `${rows(n, "day")} whose spend is ${UNUSUAL_FACTOR} times or more, or a fifth or less, of the median of the ${ROLLING_HALF_WIDTH} days either side (check the cost export)`,
  },
];

function rows(n: number, noun: string): string {
  return `${n.toLocaleString("en-US")} ${noun}${n === 1 ? "" : "s"}`;
}

const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s);

/** The anomaly warnings for the tables present, inside the analysis window. */
export async function anomalyWarnings(
  engine: Engine,
  present: Record<TableName, boolean>,
  window: AnalysisWindow,
): Promise<QualityWarning[]> {
  // Without a window (every row of a table rejected) there is no span to look at.
  if (!isDay(window.from) || !isDay(window.to)) return [];
  const params = {
    from: window.from,
    to: window.to,
    half: ROLLING_HALF_WIDTH,
    factor: UNUSUAL_FACTOR,
    neighbours: MIN_NEIGHBOUR_DAYS,
    minSessions: MIN_MEDIAN_SESSIONS,
    pileup: PILEUP_MIN_SESSIONS,
    pileupFactor: PILEUP_MIN_FACTOR,
  };
  const bind = (sql: string) =>
    Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(sql)));
  const warnings: QualityWarning[] = [];
  try {
    if (present.visits) await engine.run(DAYS_SQL, bind(DAYS_SQL));
    for (const anomaly of ANOMALIES) {
      if (!present[anomaly.needs]) continue;
      const [row] = await engine.all<{ n: number; ex: string }>(
        `SELECT n::DOUBLE AS n, to_json(ex)::VARCHAR AS ex FROM (${anomaly.sql})`,
        bind(anomaly.sql),
      );
      const count = row?.n ?? 0;
      if (count === 0) continue;
      warnings.push({
        code: anomaly.code,
        table: anomaly.table,
        count,
        message: anomaly.message(count),
        examples: JSON.parse(row?.ex ?? "[]") as string[],
      });
    }
  } finally {
    await engine.run(`DROP TABLE IF EXISTS ${DAYS_TABLE}`);
  }
  return warnings;
}
