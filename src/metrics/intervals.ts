import { UNATTRIBUTED } from "./attribution.ts";
import {
  bucketSeries,
  bucketSumsSql,
  percentileInterval,
  ratioIntervals,
  replicateSums,
  safeRatio,
  unitScales,
} from "./bootstrap.ts";
import { lastMonth, matureMonths, monthLifetimes } from "./cohort-cells.ts";
import { sourceRowOrder } from "./id-order.ts";
import { sliceSpend } from "./marketing.ts";
import { HORIZON, type MetricRun } from "./query.ts";
import type { IntervalStats, SourceInterval } from "./result.ts";

/*
 * Bootstrap intervals (metrics/bootstrap.ts) on the by-source numbers, per cohort and overall, under
 * the run's attribution model and slice. Costs are fixed and buyers random: replicates resample the
 * slice's new buyers (their number held at the slice's own), so each source's share of them, their
 * revenue and every source's CAC and ROMI vary; spend does not. Percentile intervals at `level`.
 * Read from the cube's per-bucket sums (cube-window.ts, buildBucketCells): no per-buyer scan; the
 * engine returns ≤ G rows per group and the replicates are computed in TypeScript.
 */

/** Default coverage of the intervals (`--confidence`). */
export const DEFAULT_CONFIDENCE = 0.9;

const ALL = "all";

export async function intervalStats(
  run: MetricRun,
  level: number,
  byCohort?: IntervalStats["byCohort"],
): Promise<IntervalStats> {
  const sources = await sourceIntervals(run, level);
  return {
    level,
    replicates: sources.replicates,
    bySource: sources.rows,
    byCohort: byCohort ?? (await cohortIntervals(run, level)),
    romiBySourceLifetime: await romiLifetimeIntervals(run, level),
  };
}

/** The slice's rows of one bucket table under the run's model. */
function bucketRows(run: MetricRun, table: "bucketRevenue" | "bucketBuyers"): string {
  const columns =
    table === "bucketRevenue"
      ? "b.key AS key, b.cohort AS cohort, b.lifetime AS lifetime, b.bucket AS bucket, b.revenue AS revenue"
      : "b.key AS key, b.cohort AS cohort, b.bucket AS bucket, b.buyers AS buyers";
  return `(SELECT ${columns} FROM ${run.t[table]} b WHERE b.model = $model AND ${run.inCombos("b.r")})`;
}

const IN_MATURE = (run: MetricRun, col: string) =>
  `${col} IN (SELECT m.month_start AS month_start FROM ${matureMonths(run)} m)`;

/**
 * LTV at H, ROMI at H and CAC per source and for `all`, from one read of per-(key, bucket) sums: the
 * mature revenue, mature buyers and window buyers; replicates here (bootstrap.ts). The `all` row's
 * weighted buyers give each replicate's rescaling (bootstrap.ts, `units`): the slice's buyers stay N,
 * so ROMI and CAC vary with each source's share and revenue, not with the slice's size.
 */
async function sourceIntervals(run: MetricRun, level: number) {
  const revenue = bucketRows(run, "bucketRevenue");
  const buyers = bucketRows(run, "bucketBuyers");
  const mature = IN_MATURE(run, "b.cohort");
  const base = (k: string) => `SELECT ${k} AS k, b.bucket AS bucket, b.revenue AS rev, 0 AS mb, 0 AS wb
      FROM ${revenue} b WHERE ${mature} AND b.lifetime < ${HORIZON}
    UNION ALL SELECT ${k} AS k, b.bucket AS bucket, 0 AS rev,
      CASE WHEN ${mature} THEN b.buyers ELSE 0 END AS mb, b.buyers AS wb FROM ${buyers} b`;
  const columns = ["rev", "mb", "wb"] as const;
  const sums = bucketSeries(
    await run.all(
      bucketSumsSql(`${base("coalesce(b.key, '')")} UNION ALL ${base(`'${ALL}'`)}`, ["k"], columns),
    ),
    ["k"],
    columns,
  );
  const spendRows = await run.all(`SELECT x.k AS k, CAST(sum(x.mature) AS DOUBLE) AS mature,
      CAST(sum(x.costs) AS DOUBLE) AS costs FROM (
        SELECT s.source_id AS k, CASE WHEN ${IN_MATURE(run, "s.month_start")} THEN s.costs ELSE 0 END AS mature,
          s.costs AS costs FROM ${sliceSpend(run)} s
        UNION ALL SELECT '${ALL}' AS k, CASE WHEN ${IN_MATURE(run, "s.month_start")} THEN s.costs ELSE 0 END AS mature,
          s.costs AS costs FROM ${sliceSpend(run)} s) x GROUP BY x.k`);
  const spend = new Map(
    spendRows.map((r) => [String(r.k), { mature: numberOr(r.mature), costs: numberOr(r.costs) }]),
  );
  const all = sums.get(JSON.stringify([ALL]));
  if (!all) return { rows: [] as SourceInterval[], replicates: 0 };
  // Per replicate: the slice's mature and window buyers over their weighted counts.
  const sm = unitScales(all.series.mb!);
  const sw = unitScales(all.series.wb!);
  const margin = run.options.margin;
  const withheld = run.scope.withheld !== null;
  let replicates = 0;
  const out: SourceInterval[] = [];
  for (const { key, series } of sums.values()) {
    const rev = replicateSums(series.rev!.values);
    const mb = replicateSums(series.mb!.values);
    const wb = replicateSums(series.wb!.values);
    const sp = spend.get(String(key.k)) ?? { mature: Number.NaN, costs: Number.NaN };
    const ltv = new Float64Array(rev.length);
    const romi = new Float64Array(rev.length);
    const cac = new Float64Array(rev.length);
    for (let r = 0; r < rev.length; r++) {
      ltv[r] = margin * safeRatio(rev[r]!, mb[r]!);
      romi[r] = margin * safeRatio(rev[r]! * sm[r]!, sp.mature);
      cac[r] = safeRatio(sp.costs, wb[r]! * sw[r]!);
    }
    const ltvH = percentileInterval(ltv, level);
    const romiH = percentileInterval(romi, level);
    const cacI = percentileInterval(cac, level);
    replicates = Math.max(replicates, ltvH.replicates);
    out.push({
      source: sourceName(key.k),
      ltvH: { low: ltvH.low, high: ltvH.high },
      // Without spend ROMI and CAC are not numbers (null, "no_spend"): no interval either.
      romiH: withheld ? NONE : { low: romiH.low, high: romiH.high },
      cac: withheld || cacI.high === 0 ? NONE : { low: cacI.low, high: cacI.high },
    });
  }
  out.sort((a, b) => sourceRowOrder(a.source, b.source));
  return { rows: out, replicates };
}

/** A SQL number as a double, NaN for NULL (bootstrap.ts's "undefined"). */
function numberOr(v: unknown): number {
  return v === null || v === undefined ? Number.NaN : Number(v);
}

const NONE = { low: null, high: null };

/** Bounds of a revenue ratio times the margin (sums stay exact decimals; the margin scales the ratio). */
function withMargin(run: MetricRun, r: { low: number | null; high: number | null }) {
  const m = run.options.margin;
  return { low: r.low === null ? null : m * r.low, high: r.high === null ? null : m * r.high };
}

/** LTV(c, H−1) of every mature cohort of the slice (all sources); young cohorts get forecast intervals. */
async function cohortIntervals(run: MetricRun, level: number): Promise<IntervalStats["byCohort"]> {
  const { d } = run;
  const mature = IN_MATURE(run, "b.cohort");
  const rows = await ratioIntervals(run, {
    keys: ["cohort"],
    level,
    sums: `SELECT ${d.formatMonth("b.cohort")} AS cohort, b.bucket AS bucket, b.revenue AS num, 0 AS den
      FROM ${bucketRows(run, "bucketRevenue")} b WHERE b.lifetime < ${HORIZON} AND ${mature}
      UNION ALL SELECT ${d.formatMonth("b.cohort")} AS cohort, b.bucket AS bucket, 0 AS num, b.buyers AS den
      FROM ${bucketRows(run, "bucketBuyers")} b WHERE ${mature}`,
  });
  const lifetime = run.options.horizon - 1;
  return rows
    .map((r) => ({ cohort: String(r.key.cohort), lifetime, ltv: withMargin(run, r) }))
    .sort((a, b) => (a.cohort < b.cohort ? -1 : a.cohort > b.cohort ? 1 : 0));
}

/**
 * ROMI_s(k) per source over the cohorts with lifetime k observed (spend of their months fixed), which
 * bounds the payback lifetime: it is reached at the first k whose upper bound reaches 1 at best, and
 * at the first whose lower bound does at worst.
 */
async function romiLifetimeIntervals(
  run: MetricRun,
  level: number,
): Promise<IntervalStats["romiBySourceLifetime"]> {
  if (run.scope.withheld) return [];
  const { d } = run;
  // Lifetimes 0..H−1 only: payback within the horizon is what a verdict can rest on.
  const observed = (col: string) =>
    `${d.monthsBetween(col, "x.last_month")} >= ks.lifetime AND ks.lifetime < ${HORIZON}`;
  const rows = await ratioIntervals(run, {
    keys: ["k", "lifetime"],
    level,
    fixed: "den",
    units: `SELECT ks.lifetime AS lifetime, b.bucket AS bucket, b.buyers AS n
      FROM ${bucketRows(run, "bucketBuyers")} b CROSS JOIN ${monthLifetimes(run)} ks CROSS JOIN ${lastMonth(run)} x
      WHERE ${observed("b.cohort")}`,
    unitKeys: ["lifetime"],
    sums: `SELECT coalesce(b.key, '') AS k, ks.lifetime AS lifetime, b.bucket AS bucket, b.revenue AS num,
        0 AS den
      FROM ${bucketRows(run, "bucketRevenue")} b CROSS JOIN ${monthLifetimes(run)} ks CROSS JOIN ${lastMonth(run)} x
      WHERE b.lifetime <= ks.lifetime AND ${observed("b.cohort")}
      UNION ALL SELECT s.source_id AS k, ks.lifetime AS lifetime, -1 AS bucket, 0 AS num, s.costs AS den
      FROM ${sliceSpend(run)} s CROSS JOIN ${monthLifetimes(run)} ks CROSS JOIN ${lastMonth(run)} x
      WHERE ${observed("s.month_start")}`,
  });
  return rows
    .filter((r) => r.estimate !== null)
    .map((r) => ({
      source: sourceName(r.key.k),
      lifetime: Number(r.key.lifetime),
      romi: withMargin(run, r),
    }))
    .sort((a, b) => sourceRowOrder(a.source, b.source) || a.lifetime - b.lifetime);
}

/** SQL key '' stands for NULL (buyers without a qualifying session), which UNION keys cannot hold apart. */
function sourceName(key: unknown): string {
  return key === "" || key === null || key === undefined ? UNATTRIBUTED : String(key);
}
