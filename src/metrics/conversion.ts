import { compareIds, type MetricRun, num, numOrNull, text } from "./query.ts";
import type { ConversionLagStats } from "./result.ts";
import { type CohortGrain, type ConversionLagRow, LAG_BUCKETS, type LagDimension } from "./tables.ts";
import { T } from "./temp-tables.ts";

/*
 * Conversion lag = first order ts - first session ts per buyer, over buyers with a session at or before
 * the first order (`attributable`); the others are counted as excluded. Source, device and cohort of a
 * buyer here are those of acquisition (the first session), whatever the attribution model.
 */

const DAY_S = 86_400;
const BUCKET = `CASE WHEN s < ${DAY_S} THEN '0d' WHEN s < ${2 * DAY_S} THEN '1d' WHEN s < ${8 * DAY_S} THEN '2-7d'
  WHEN s < ${31 * DAY_S} THEN '8-30d' ELSE '31+d' END`;

function lagSeconds(run: MetricRun): string {
  return run.d.secondsBetween("first_session_ts", "first_order_ts");
}

function acquisitionCohort(run: MetricRun, grain: CohortGrain, prefix: "acq" | "cohort"): string {
  return grain === "month" ? run.d.formatMonth(`${prefix}_month`) : run.d.formatDay(`${prefix}_week`);
}

export async function conversionLagStats(run: MetricRun): Promise<ConversionLagStats> {
  const { d } = run;
  const [row] = await run.all(`
    WITH l AS (SELECT ${lagSeconds(run)} AS s FROM ${T.buyers} WHERE attributable)
    SELECT CAST(count(*) AS INTEGER) AS buyers, avg(s) / ${DAY_S} AS mean_days,
      ${d.quantile("s", 0.5)} / ${DAY_S} AS median_days, ${d.quantile("s", 0.5)} / 60 AS median_minutes,
      (SELECT CAST(count(*) AS INTEGER) FROM ${T.buyers} WHERE NOT is_user) AS no_session,
      (SELECT CAST(count(*) AS INTEGER) FROM ${T.buyers} WHERE is_user AND NOT attributable) AS order_first
    FROM l`);
  return {
    buyers: num(row?.buyers),
    meanDays: numOrNull(row?.mean_days),
    medianDays: numOrNull(row?.median_days),
    medianMinutes: numOrNull(row?.median_minutes),
    excludedNoSession: num(row?.no_session),
    excludedOrderFirst: num(row?.order_first),
  };
}

/** Lag buckets for all buyers and by acquisition source, device and cohort; every bucket of every key. */
export async function conversionLagTable(run: MetricRun, grain: CohortGrain): Promise<ConversionLagRow[]> {
  const rows = await run.all(`
    WITH l AS (
      SELECT first_r, ${acquisitionCohort(run, grain, "acq")} AS cohort, ${BUCKET} AS bucket
      FROM (SELECT *, ${lagSeconds(run)} AS s FROM ${T.buyers} WHERE attributable)),
    g AS (SELECT first_r, cohort, bucket, count(*) AS n FROM l GROUP BY ALL)
    SELECT 'all' AS dim, 'all' AS key, bucket, sum(n) AS n FROM g GROUP BY ALL
    UNION ALL
    SELECT 'source', c.source_id, bucket, sum(n) FROM g JOIN ${T.combos} c ON c.r = g.first_r GROUP BY ALL
    UNION ALL
    SELECT 'device', c.device, bucket, sum(n) FROM g JOIN ${T.combos} c ON c.r = g.first_r GROUP BY ALL
    UNION ALL
    SELECT 'cohort', cohort, bucket, sum(n) FROM g GROUP BY ALL`);
  const counts = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const id = JSON.stringify([text(r.dim), text(r.key)]);
    const buckets = counts.get(id) ?? new Map<string, number>();
    buckets.set(text(r.bucket), num(r.n));
    counts.set(id, buckets);
  }
  const order: LagDimension[] = ["all", "source", "device", "cohort"];
  const keys = [...counts.keys()].map((id) => JSON.parse(id) as [LagDimension, string]);
  keys.sort(([da, ka], [db, kb]) => order.indexOf(da) - order.indexOf(db) || compareIds(ka, kb));
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
  const rows = await run.all(`
    WITH u AS (
      SELECT first_r, ${acquisitionCohort(run, grain, "cohort")} AS cohort, count(*) AS users
      FROM ${T.users} GROUP BY ALL),
    b AS (
      SELECT first_r, ${acquisitionCohort(run, grain, "acq")} AS cohort, count(*) AS buyers
      FROM ${T.buyers} WHERE is_user GROUP BY ALL),
    g AS (
      SELECT u.first_r, u.cohort, u.users, coalesce(b.buyers, 0) AS buyers
      FROM u LEFT JOIN b ON b.first_r = u.first_r AND b.cohort = u.cohort)
    SELECT 'all' AS dim, 'all' AS key, CAST(sum(users) AS DOUBLE) AS users, CAST(sum(buyers) AS DOUBLE) AS buyers
    FROM g
    UNION ALL
    SELECT 'source', c.source_id, sum(users), sum(buyers) FROM g JOIN ${T.combos} c ON c.r = g.first_r GROUP BY 1, 2
    UNION ALL
    SELECT 'device', c.device, sum(users), sum(buyers) FROM g JOIN ${T.combos} c ON c.r = g.first_r GROUP BY 1, 2
    UNION ALL
    SELECT 'cohort', cohort, sum(users), sum(buyers) FROM g GROUP BY 1, 2`);
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
