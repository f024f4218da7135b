/**
 * The Poisson bootstrap over buyers, in SQL (Chamandy, Muralidharan, Najmi & Naidu 2012, "Estimating
 * uncertainty for massive data streams"; Najmi, "An introduction to the Poisson bootstrap").
 *
 * Resampling n buyers with replacement gives each a multinomial count; for large n that is close to
 * independent Poisson(1) counts, which need no knowledge of n and can be drawn per buyer. Users are
 * hashed into G buckets and one weight is drawn per (bucket, replicate), so a buyer's weight in
 * replicate r is w[bucket(user), r]: the bootstrap becomes a join of per-bucket sums with a G × B
 * weights table and one GROUP BY replicate — B = 1000 replicates in one pass, not 1000 passes. (With
 * G buckets this is a bootstrap of G clusters of users: a whale is in one bucket, which sits out about
 * e⁻¹ = 37 % of the replicates, just as a buyer does when resampled.)
 *
 * The weights are drawn here in TypeScript from a seeded PRNG and sent as one parameter, not hashed in
 * SQL: DuckDB 1.5.6's multi-argument `hash(uid, i)` is correlated across replicates (ρ ≈ 0.63, which
 * made 90 % intervals about 16 % too narrow). A table of independent draws has no such trap, is the
 * same on every engine and makes every interval reproducible.
 */
import type { Dialect } from "../engine/dialect.ts";
import type { Engine, Row } from "../engine/engine.ts";
import { Sfc32 } from "../generate/prng.ts";

export interface BootstrapDesign {
  /** Buckets users are hashed into (G). */
  buckets: number;
  /** Replicates (B). */
  replicates: number;
  /** PRNG seed of the weights: the same seed gives the same intervals. */
  seed: number;
}

export const BOOTSTRAP_DEFAULTS: BootstrapDesign = { buckets: 128, replicates: 1000, seed: 20120101 };

/** A Poisson(1) draw by inversion of the CDF (mean 1: a handful of steps). */
export function poissonOne(rng: Sfc32): number {
  const u = rng.float();
  let k = 0;
  let p = Math.exp(-1);
  let cdf = p;
  while (u >= cdf && k < 99) {
    k++;
    p /= k;
    cdf += p;
  }
  return k;
}

/** The G × B weights, bucket-major (`weights[bucket * B + rep]`). */
export function poissonWeights(design: BootstrapDesign = BOOTSTRAP_DEFAULTS): Uint8Array {
  const rng = new Sfc32(design.seed, 0x9001);
  const out = new Uint8Array(design.buckets * design.replicates);
  for (let i = 0; i < out.length; i++) out[i] = poissonOne(rng);
  return out;
}

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

/** SQL: the bucket of a user id expression (text or integer key). */
export function bucketOf(
  engine: Engine,
  userExpr: string,
  design: BootstrapDesign = BOOTSTRAP_DEFAULTS,
): string {
  return engine.dialect.bucketOf(userExpr, design.buckets);
}

export interface RatioInterval {
  /** The group's key columns, as returned. */
  key: Record<string, string | number | boolean | null>;
  /** The estimate on the data (every weight 1) and the percentile interval over the replicates. */
  estimate: number | null;
  low: number | null;
  high: number | null;
  /** Replicates with a defined ratio (denominator > 0). */
  replicates: number;
}

export interface RatioSpec {
  /** The weights table (createWeightsTable). */
  weights: string;
  /** SQL yielding the columns of `keys`, `bucket`, `num`, `den` (several rows per bucket are fine). */
  sums: string;
  keys: readonly string[];
  /** Interval coverage, e.g. 0.9. */
  level: number;
  /** A side that is not resampled: costs are fixed (`num` of CAC, `den` of ROMI). */
  fixed?: "num" | "den";
  /**
   * SQL yielding (bucket, n): the buyers of the whole slice per bucket. Each replicate is rescaled so
   * that its weighted number of buyers equals the slice's own (see below). Needed whenever a side
   * that is resampled is a total rather than a per-buyer mean (ROMI's revenue, CAC's buyers).
   */
  units?: string;
  /** The columns of `keys` that `units` carries too (one slice per value); default none: one slice. */
  unitKeys?: readonly string[];
}

/** Where ratioIntervals reads: a metric run (its parameters bound) or any BoundSql. */
export interface SqlReader {
  readonly d: Dialect;
  all(sql: string): Promise<Row[]>;
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
export async function ratioIntervals(q: SqlReader, spec: RatioSpec): Promise<RatioInterval[]> {
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
