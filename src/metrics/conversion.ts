import { naturalIdOrder } from "./id-order.ts";
import { type LagIndex, lagStats } from "./lag-index.ts";
import { type MetricRun, num, text } from "./query.ts";
import type { ConversionLagStats } from "./result.ts";
import { type CohortGrain, type ConversionLagRow, LAG_BUCKETS, type LagDimension } from "./tables.ts";

/*
 * Conversion lag = first order ts - first session ts per new buyer of the window, over buyers with a
 * session at or before the first order (`attributable`); the others are counted as excluded. Source,
 * device and cohort of a buyer here are those of acquisition (the first session, whole history),
 * whatever the attribution model. The median needs the buyers themselves: it reads the cube's
 * per-buyer table of the window (one row per new buyer), never the visits.
 */

const DAY_S = 86_400;
/** SQL: the lag bucket of `s` seconds (whole days elapsed). */
export const LAG_BUCKET_SQL = (
  s: string,
) => `CASE WHEN ${s} < ${DAY_S} THEN '0d' WHEN ${s} < ${2 * DAY_S} THEN '1d'
  WHEN ${s} < ${8 * DAY_S} THEN '2-7d' WHEN ${s} < ${31 * DAY_S} THEN '8-30d' ELSE '31+d' END`;

function acquisitionCohort(run: MetricRun, grain: CohortGrain, table: string): string {
  return grain === "month" ? run.d.formatMonth(`${table}.acq_month`) : run.d.formatDay(`${table}.acq_week`);
}

/** Mean and median lag of the slice's new buyers, from the window's in-memory lag index. */
export function conversionLagStats(run: MetricRun, lags: LagIndex): ConversionLagStats {
  return lagStats(lags, run.scope.combos);
}

/** Lag buckets for all buyers and by acquisition source, device and cohort; every bucket of every key. */
export async function conversionLagTable(run: MetricRun, grain: CohortGrain): Promise<ConversionLagRow[]> {
  const { t } = run;
  const rows = await run.all(`
    WITH g AS (
      SELECT l.r AS r, ${acquisitionCohort(run, grain, "l")} AS cohort, l.bucket AS bucket, sum(l.buyers) AS n
      FROM ${t.lagBuckets} l WHERE ${run.inCombos("l.r")}
      GROUP BY l.r, ${acquisitionCohort(run, grain, "l")}, l.bucket)
    SELECT 'all' AS dim, 'all' AS key, g.bucket AS bucket, sum(g.n) AS n FROM g GROUP BY g.bucket
    UNION ALL
    SELECT 'source' AS dim, c.source_id AS key, g.bucket AS bucket, sum(g.n) AS n
    FROM g JOIN ${t.combos} c ON c.r = g.r GROUP BY c.source_id, g.bucket
    UNION ALL
    SELECT 'device' AS dim, c.device AS key, g.bucket AS bucket, sum(g.n) AS n
    FROM g JOIN ${t.combos} c ON c.r = g.r GROUP BY c.device, g.bucket
    UNION ALL
    SELECT 'cohort' AS dim, g.cohort AS key, g.bucket AS bucket, sum(g.n) AS n FROM g GROUP BY g.cohort, g.bucket`);
  const counts = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const id = JSON.stringify([text(r.dim), text(r.key)]);
    const buckets = counts.get(id) ?? new Map<string, number>();
    buckets.set(text(r.bucket), num(r.n));
    counts.set(id, buckets);
  }
  const order: LagDimension[] = ["all", "source", "device", "cohort"];
  const keys = [...counts.keys()].map((id) => JSON.parse(id) as [LagDimension, string]);
  keys.sort(([da, ka], [db, kb]) => order.indexOf(da) - order.indexOf(db) || naturalIdOrder(ka, kb));
  return keys.flatMap(([dimension, key]) => {
    const buckets = counts.get(JSON.stringify([dimension, key]))!;
    const total = [...buckets.values()].reduce((a, b) => a + b, 0);
    return LAG_BUCKETS.map((bucket) => {
      const buyers = buckets.get(bucket) ?? 0;
      return { dimension, key, bucket, buyers, share: buyers / total };
    });
  });
}

export interface Converted {
  users: number;
  /** Users who are also buyers. */
  buyers: number;
}

/** Users and converted users (by acquisition) overall and per source, device and cohort. */
export interface ConversionRates {
  all: Converted;
  source: Map<string, Converted>;
  device: Map<string, Converted>;
  cohort: Map<string, Converted>;
}

export async function conversionRates(run: MetricRun, grain: CohortGrain): Promise<ConversionRates> {
  const { t } = run;
  const rows = await run.all(`
    WITH g AS (
      SELECT n.r AS r, ${acquisitionCohort(run, grain, "n")} AS cohort, sum(n.users) AS users,
        sum(n.converted) AS buyers
      FROM ${t.newUsers} n WHERE ${run.inCombos("n.r")} GROUP BY n.r, ${acquisitionCohort(run, grain, "n")})
    SELECT 'all' AS dim, 'all' AS key, CAST(sum(g.users) AS DOUBLE) AS users, CAST(sum(g.buyers) AS DOUBLE) AS buyers
    FROM g
    UNION ALL
    SELECT 'source' AS dim, c.source_id AS key, CAST(sum(g.users) AS DOUBLE) AS users,
      CAST(sum(g.buyers) AS DOUBLE) AS buyers
    FROM g JOIN ${t.combos} c ON c.r = g.r GROUP BY c.source_id
    UNION ALL
    SELECT 'device' AS dim, c.device AS key, CAST(sum(g.users) AS DOUBLE) AS users,
      CAST(sum(g.buyers) AS DOUBLE) AS buyers
    FROM g JOIN ${t.combos} c ON c.r = g.r GROUP BY c.device
    UNION ALL
    SELECT 'cohort' AS dim, g.cohort AS key, CAST(sum(g.users) AS DOUBLE) AS users,
      CAST(sum(g.buyers) AS DOUBLE) AS buyers
    FROM g GROUP BY g.cohort`);
  const rates: ConversionRates = {
    all: { users: 0, buyers: 0 },
    source: new Map(),
    device: new Map(),
    cohort: new Map(),
  };
  for (const r of rows) {
    const value = { users: num(r.users ?? 0), buyers: num(r.buyers ?? 0) };
    const dim = text(r.dim);
    if (dim === "all") rates.all = value;
    else if (dim === "source" || dim === "device" || dim === "cohort") rates[dim].set(text(r.key), value);
  }
  return rates;
}

export function rateOf(c: Converted | undefined): number | null {
  return c && c.users > 0 ? c.buyers / c.users : null;
}
