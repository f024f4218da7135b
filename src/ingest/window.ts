import type { Engine } from "../engine/engine.ts";
import type { TableName } from "./canonical.ts";
import type { AnalysisWindow } from "./quality.ts";

/** The time column of each canonical table. */
export const TIME_COLUMN: Record<TableName, string> = { visits: "start_ts", orders: "ts", costs: "date" };

/**
 * Fences outside which a row is a time outlier: Tukey's far-out fences (3 interquartile ranges beyond
 * the quartiles, the range at least a day) over the table's times. They apply only when the rows
 * beyond them are a few (at most 1 %, at least one): a 1970 session among 400,000 of 2017 is a fault,
 * a tenth of the data a year early is a real, if thin, start. One row: `lo`, `hi` (TIMESTAMP, NULL
 * when there are no outliers).
 */
export function outlierFencesSql(table: TableName): string {
  const t = `CAST(${TIME_COLUMN[table]} AS TIMESTAMP)`;
  return `(WITH q AS (
      SELECT approx_quantile(epoch_us(${t}), 0.25)::DOUBLE AS q1, approx_quantile(epoch_us(${t}), 0.75)::DOUBLE AS q3,
             count(*) AS n FROM ${table}),
    f AS (SELECT q1 - 3 * greatest(q3 - q1, 86400e6) AS lo, q3 + 3 * greatest(q3 - q1, 86400e6) AS hi, n FROM q),
    o AS (SELECT count(*) AS k FROM ${table}, f WHERE epoch_us(${t}) < f.lo OR epoch_us(${t}) > f.hi)
    SELECT CASE WHEN o.k > 0 AND o.k <= greatest(1, 0.01 * f.n) THEN make_timestamp(f.lo::BIGINT) END AS lo,
           CASE WHEN o.k > 0 AND o.k <= greatest(1, 0.01 * f.n) THEN make_timestamp(f.hi::BIGINT) END AS hi
    FROM f, o)`;
}

/** SQL condition: the table's row is not a time outlier (joined with the fences as `fences`). */
function inBulk(table: TableName): string {
  const t = `CAST(${TIME_COLUMN[table]} AS TIMESTAMP)`;
  return `(fences.lo IS NULL OR ${t} BETWEEN fences.lo AND fences.hi)`;
}

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
    const column = TIME_COLUMN[table];
    const [row] = await engine.all<{ lo: string | null; hi: string | null }>(
      `SELECT strftime(min(${column})::DATE, '%Y-%m-%d') AS lo, strftime(max(${column})::DATE + 1, '%Y-%m-%d') AS hi
       FROM ${table}, ${outlierFencesSql(table)} fences WHERE ${inBulk(table)}`,
    );
    if (row?.lo && row.hi) {
      const given = bounds.from !== undefined || bounds.to !== undefined;
      return { from: bounds.from ?? row.lo, to: bounds.to ?? row.hi, basis: given ? "options" : basis };
    }
  }
  if (bounds.from && bounds.to) return { from: bounds.from, to: bounds.to, basis: "options" };
  return null;
}
