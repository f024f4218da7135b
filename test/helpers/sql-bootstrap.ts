/**
 * The SQL bootstrap the product ran until issue 10's latency work (metrics/bootstrap.ts and
 * metrics/intervals.ts as they were): the G × B weights as a table on the engine, joined with the
 * per-bucket sums, replicates summed and percentiles taken by the engine (the dialect's quantile).
 * Kept as the reference the TypeScript replicates are compared with (test/bootstrap.test.ts,
 * test/intervals-paths.test.ts): same weights, same rescaling, computed by the engine instead.
 */
import type { Engine } from "../../src/engine/engine.ts";
import { UNATTRIBUTED } from "../../src/metrics/attribution.ts";
import {
  BOOTSTRAP_DEFAULTS,
  type BootstrapDesign,
  poissonWeights,
  type RatioInterval,
  type RatioSpec,
  type SqlReader,
} from "../../src/metrics/bootstrap.ts";
import { lastMonth, matureMonths, monthLifetimes } from "../../src/metrics/cohort-cells.ts";
import { sourceRowOrder } from "../../src/metrics/id-order.ts";
import { sliceSpend } from "../../src/metrics/marketing.ts";
import { HORIZON, MARGIN, type MetricRun } from "../../src/metrics/query.ts";
import type { IntervalStats, SourceInterval } from "../../src/metrics/result.ts";

/** RatioSpec with the weights table the SQL joins. */
export interface SqlRatioSpec extends Omit<RatioSpec, "design"> {
  weights: string;
}

const ALL = "all";

/**
 * Creates the weights table `name` (bucket, rep, w) on the engine; the data cube makes one per dataset
 * (cube-data.ts). The draws travel as one text parameter of two digits per weight (poissonOne caps at
 * 99, a Poisson(1) value no sample of this size reaches) and are decoded by position, which every
 * engine can do.
 */
export async function createWeightsTable(
  engine: Engine,
  name: string,
  design: BootstrapDesign = BOOTSTRAP_DEFAULTS,
): Promise<void> {
  const weights = poissonWeights(design);
  let digits = "";
  for (const w of weights) digits += w < 10 ? `0${w}` : String(w);
  const d = engine.dialect;
  // (i - i % B) / B: exact in any engine, whether "/" divides integers or rounds a double.
  await engine.createTemp(
    name,
    `SELECT CAST((t.i - t.i % $replicates) / $replicates AS INTEGER) AS bucket,
      CAST(t.i % $replicates AS INTEGER) AS rep, CAST(substr($weights, 2 * t.i + 1, 2) AS INTEGER) AS w
    FROM ${d.integerSeries("$n")} t`,
    { replicates: design.replicates, weights: digits, n: weights.length },
  );
}

/**
 * Percentile intervals of Σ num / Σ den per group, from per-(group, bucket) sums and the weights
 * table `spec.weights` (createWeightsTable).
 *
 * Why `units`: a bucket holds many buyers, so Poisson weights on buckets make a *total* vary far
 * more than resampling buyers would (Var Σ_b w_b S_b = Σ_b S_b², which counts every pair of buyers in
 * one bucket). A ratio of two sums over the same buyers (LTV = revenue / buyers) does not suffer:
 * the pairs cancel. So totals are turned into such ratios: replicate r is scaled by
 * N / Σ_b w_{b,r} N_b, the slice's buyers over their weighted count. That is the ordinary bootstrap
 * of the slice's N buyers (N fixed, each source's share random), in one GROUP BY.
 */
export async function sqlRatioIntervals(q: SqlReader, spec: SqlRatioSpec): Promise<RatioInterval[]> {
  const list = (table: string) => spec.keys.map((k) => `${table}.${k}`).join(", ");
  const alias = (table: string) => spec.keys.map((k) => `${table}.${k} AS ${k}`).join(", ");
  const d = q.d;
  const W = spec.weights;
  const on = (a: string, b: string) =>
    spec.keys.map((k) => d.nullSafeEquals(`${a}.${k}`, `${b}.${k}`)).join(" AND ");
  const tKeys = list("t");
  const lowP = (1 - spec.level) / 2;
  const scaled = (side: "num" | "den") =>
    spec.fixed === side ? `t.${side}` : spec.units ? `r.${side} * u.scale` : `r.${side}`;
  const replicate = d.safeDivide(scaled("num"), scaled("den"));
  const uk = spec.unitKeys ?? [];
  const ukSelect = uk.map((k) => `n.${k} AS ${k}, `).join("");
  const ukGroup = uk.map((k) => `n.${k}, `).join("");
  const ukJoin = uk.map((k) => ` AND ${d.nullSafeEquals(`u.${k}`, `r.${k}`)}`).join("");
  const units = spec.units
    ? `, n AS (SELECT ${uk.map((k) => `x.${k} AS ${k}, `).join("")}x.bucket AS bucket, sum(x.n) AS n
          FROM (${spec.units}) x GROUP BY ${uk.map((k) => `x.${k}, `).join("")}x.bucket),
      tot AS (SELECT ${ukSelect}sum(n.n) AS n FROM n${uk.length > 0 ? ` GROUP BY ${uk.map((k) => `n.${k}`).join(", ")}` : ""}),
      u AS (SELECT ${ukSelect}w.rep AS rep, ${d.safeDivide("max(tot.n)", "sum(w.w * n.n)")} AS scale
        FROM n JOIN ${W} w ON w.bucket = n.bucket
        JOIN tot ON ${uk.length > 0 ? uk.map((k) => d.nullSafeEquals(`tot.${k}`, `n.${k}`)).join(" AND ") : "1 = 1"}
        GROUP BY ${ukGroup}w.rep)`
    : "";
  const rows = await q.all(
    `WITH s AS (SELECT ${alias("x")}, x.bucket AS bucket, sum(x.num) AS num, sum(x.den) AS den
        FROM (${spec.sums}) x GROUP BY ${list("x")}, x.bucket),
      t AS (SELECT ${alias("s")}, sum(s.num) AS num, sum(s.den) AS den FROM s GROUP BY ${list("s")}),
      r AS (SELECT ${alias("s")}, w.rep AS rep, sum(w.w * s.num) AS num, sum(w.w * s.den) AS den
        FROM s JOIN ${W} w ON w.bucket = s.bucket GROUP BY ${list("s")}, w.rep)${units}
     SELECT ${alias("t")}, ${d.safeDivide("max(t.num)", "max(t.den)")} AS estimate,
       ${d.quantile(replicate, lowP)} AS low, ${d.quantile(replicate, 1 - lowP)} AS high,
       count(${replicate}) AS replicates
     FROM t LEFT JOIN r ON ${on("r", "t")}${spec.units ? ` LEFT JOIN u ON u.rep = r.rep${ukJoin}` : ""}
     GROUP BY ${tKeys}`,
  );
  const asNumber = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((row) => ({
    key: Object.fromEntries(spec.keys.map((k) => [k, row[k] ?? null])),
    estimate: asNumber(row.estimate),
    low: asNumber(row.low),
    high: asNumber(row.high),
    replicates: Number(row.replicates),
  }));
}

export async function sqlIntervalStats(run: MetricRun, level: number, W: string): Promise<IntervalStats> {
  const sources = await sourceIntervals(run, level, W);
  return {
    level,
    replicates: sources.replicates,
    bySource: sources.rows,
    byCohort: await cohortIntervals(run, level, W),
    romiBySourceLifetime: await romiLifetimeIntervals(run, level, W),
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
 * LTV at H, ROMI at H and CAC per source and for `all`, from one pass over the replicates: per (key,
 * replicate) the weighted mature revenue, mature buyers and window buyers. The `all` row's weighted
 * buyers give each replicate's rescaling (bootstrap.ts, `units`): the slice's buyers stay N, so ROMI
 * and CAC vary with each source's share and revenue, not with the slice's size.
 */
async function sourceIntervals(run: MetricRun, level: number, W: string) {
  const { d } = run;
  const revenue = bucketRows(run, "bucketRevenue");
  const buyers = bucketRows(run, "bucketBuyers");
  const mature = IN_MATURE(run, "b.cohort");
  const lowP = (1 - level) / 2;
  const base = (k: string) => `SELECT ${k} AS k, b.bucket AS bucket, b.revenue AS rev, 0 AS mb, 0 AS wb
      FROM ${revenue} b WHERE ${mature} AND b.lifetime < ${HORIZON}
    UNION ALL SELECT ${k} AS k, b.bucket AS bucket, 0 AS rev,
      CASE WHEN ${mature} THEN b.buyers ELSE 0 END AS mb, b.buyers AS wb FROM ${buyers} b`;
  const rows = await run.all(`
    WITH s AS (SELECT x.k AS k, x.bucket AS bucket, sum(x.rev) AS rev, sum(x.mb) AS mb, sum(x.wb) AS wb
      FROM (${base("coalesce(b.key, '')")} UNION ALL ${base(`'${ALL}'`)}) x GROUP BY x.k, x.bucket),
    t AS (SELECT s.k AS k, sum(s.rev) AS rev, sum(s.mb) AS mb, sum(s.wb) AS wb FROM s GROUP BY s.k),
    r AS (SELECT s.k AS k, w.rep AS rep, sum(w.w * s.rev) AS rev, sum(w.w * s.mb) AS mb, sum(w.w * s.wb) AS wb
      FROM s JOIN ${W} w ON w.bucket = s.bucket GROUP BY s.k, w.rep),
    u AS (SELECT r.rep AS rep, ${d.safeDivide("max(t.mb)", "max(r.mb)")} AS sm, ${d.safeDivide("max(t.wb)", "max(r.wb)")} AS sw
      FROM r JOIN t ON t.k = r.k WHERE r.k = '${ALL}' GROUP BY r.rep),
    sp AS (SELECT x.k AS k, sum(x.mature) AS mature, sum(x.costs) AS costs FROM (
        SELECT s.source_id AS k, CASE WHEN ${IN_MATURE(run, "s.month_start")} THEN s.costs ELSE 0 END AS mature,
          s.costs AS costs FROM ${sliceSpend(run)} s
        UNION ALL SELECT '${ALL}' AS k, CASE WHEN ${IN_MATURE(run, "s.month_start")} THEN s.costs ELSE 0 END AS mature,
          s.costs AS costs FROM ${sliceSpend(run)} s) x GROUP BY x.k),
    v AS (SELECT r.k AS k, ${MARGIN} * ${d.safeDivide("r.rev", "r.mb")} AS ltv,
        ${MARGIN} * ${d.safeDivide("r.rev * u.sm", "max_spend.mature")} AS romi, ${d.safeDivide("max_spend.costs", "r.wb * u.sw")} AS cac
      FROM r JOIN u ON u.rep = r.rep LEFT JOIN sp max_spend ON max_spend.k = r.k)
    SELECT v.k AS k, count(v.ltv) AS replicates,
      ${d.quantile("v.ltv", lowP)} AS ltv_low, ${d.quantile("v.ltv", 1 - lowP)} AS ltv_high,
      ${d.quantile("v.romi", lowP)} AS romi_low, ${d.quantile("v.romi", 1 - lowP)} AS romi_high,
      ${d.quantile("v.cac", lowP)} AS cac_low, ${d.quantile("v.cac", 1 - lowP)} AS cac_high
    FROM v GROUP BY v.k`);
  const withheld = run.scope.withheld !== null;
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const out: SourceInterval[] = rows.map((r) => ({
    source: sourceName(r.k),
    ltvH: { low: num(r.ltv_low), high: num(r.ltv_high) },
    // Without spend ROMI and CAC are not numbers (null, "no_spend"): no interval either.
    romiH: withheld ? NONE : { low: num(r.romi_low), high: num(r.romi_high) },
    cac: withheld || num(r.cac_high) === 0 ? NONE : { low: num(r.cac_low), high: num(r.cac_high) },
  }));
  out.sort((a, b) => sourceRowOrder(a.source, b.source));
  return { rows: out, replicates: Math.max(0, ...rows.map((r) => Number(r.replicates))) };
}

const NONE = { low: null, high: null };

/** Bounds of a revenue ratio times the margin (sums stay exact decimals; the margin scales the ratio). */
function withMargin(run: MetricRun, r: { low: number | null; high: number | null }) {
  const m = run.options.margin;
  return { low: r.low === null ? null : m * r.low, high: r.high === null ? null : m * r.high };
}

/** LTV(c, H−1) of every mature cohort of the slice (all sources); young cohorts get forecast intervals. */
async function cohortIntervals(run: MetricRun, level: number, W: string): Promise<IntervalStats["byCohort"]> {
  const { d } = run;
  const mature = IN_MATURE(run, "b.cohort");
  const rows = await sqlRatioIntervals(run, {
    weights: W,
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
  W: string,
): Promise<IntervalStats["romiBySourceLifetime"]> {
  if (run.scope.withheld) return [];
  const { d } = run;
  // Lifetimes 0..H−1 only: payback within the horizon is what a verdict can rest on.
  const observed = (col: string) =>
    `${d.monthsBetween(col, "x.last_month")} >= ks.lifetime AND ks.lifetime < ${HORIZON}`;
  const rows = await sqlRatioIntervals(run, {
    weights: W,
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
