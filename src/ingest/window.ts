import type { Engine } from "../engine/engine.ts";
import type { TableName } from "./canonical.ts";
import type { AnalysisWindow } from "./quality.ts";

/** The time column of each canonical table. */
export const TIME_COLUMN: Record<TableName, string> = { visits: "start_ts", orders: "ts", costs: "date" };

/**
 * Fences outside which a row is a time outlier: Tukey's far-out fences (3 interquartile ranges beyond
 * the quartiles, the range at least a day), in whole days, over the table's times. They apply only
 * when the rows beyond them are a few (at most 1 %, at least one): a 1970 session among 400,000 of
 * 2017 is a fault, a tenth of the data a year early is a real, if thin, start. Computed from the rows
 * per day (one grouping pass; the rest is over a few hundred days). One row: `lo` (first day in) and
 * `hi` (day after the last day in) as TIMESTAMP, both NULL when there are no outliers.
 */
export function outlierFencesSql(table: TableName): string {
  return `(WITH d AS (${dayCountsSql(table)}), ${FENCE_CTES} SELECT lo, hi FROM fences)`;
}

/** Rows per day of the table's time column: the fences and the default window both come from these. */
function dayCountsSql(table: TableName): string {
  return `SELECT CAST(${TIME_COLUMN[table]} AS DATE) AS day, count(*) AS n FROM ${table} GROUP BY ALL`;
}

/** The fences over day counts `d(day, n)`, as CTEs ending in `fences(lo, hi)`. */
const FENCE_CTES = `c AS (SELECT day, sum(n) OVER (ORDER BY day) AS cum, sum(n) OVER () AS total FROM d),
    q AS (SELECT min(day) FILTER (WHERE cum >= 0.25 * total) AS q1, min(day) FILTER (WHERE cum >= 0.75 * total) AS q3,
                 any_value(total) AS total FROM c),
    f AS (SELECT q1 - 3 * greatest(CAST(q3 - q1 AS INTEGER), 1) AS lo,
                 q3 + 3 * greatest(CAST(q3 - q1 AS INTEGER), 1) + 1 AS hi, total FROM q),
    o AS (SELECT coalesce(sum(d.n), 0) AS k FROM d, f WHERE d.day < f.lo OR d.day >= f.hi),
    fences AS (
      SELECT CASE WHEN o.k > 0 AND o.k <= greatest(1, 0.01 * f.total) THEN CAST(f.lo AS TIMESTAMP) END AS lo,
             CASE WHEN o.k > 0 AND o.k <= greatest(1, 0.01 * f.total) THEN CAST(f.hi AS TIMESTAMP) END AS hi
      FROM f, o)`;

/**
 * The analysis window: the user's bounds where given, else (spec) the first day of the earliest visit
 * to the day after the latest visit, leaving out time outliers (they get a warning). Without visits,
 * the costs' and then the orders' days stand in, so an audit of orders and costs alone still has a
 * window.
 */
export async function analysisWindow(
  engine: Engine,
  bounds: { from?: string; to?: string } = {},
): Promise<AnalysisWindow | null> {
  const candidates = [
    { basis: "visits", table: "visits" },
    { basis: "costs", table: "costs" },
    { basis: "orders", table: "orders" },
  ] as const;
  for (const { basis, table } of candidates) {
    // One grouping pass over the table: the fences and the first and last day in come from the day
    // counts (a row is in exactly when its day is), so the table is not scanned a second time.
    const [row] = await engine.all<{ lo: string | null; hi: string | null }>(
      `WITH d AS MATERIALIZED (${dayCountsSql(table)}), ${FENCE_CTES}
       SELECT strftime(min(d.day), '%Y-%m-%d') AS lo, strftime(max(d.day) + 1, '%Y-%m-%d') AS hi
       FROM d, fences
       WHERE fences.lo IS NULL OR (d.day >= CAST(fences.lo AS DATE) AND d.day < CAST(fences.hi AS DATE))`,
    );
    if (row?.lo && row.hi) {
      const given = bounds.from !== undefined || bounds.to !== undefined;
      return { from: bounds.from ?? row.lo, to: bounds.to ?? row.hi, basis: given ? "options" : basis };
    }
  }
  if (bounds.from && bounds.to) return { from: bounds.from, to: bounds.to, basis: "options" };
  return null;
}
