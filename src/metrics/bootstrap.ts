/**
 * The Poisson bootstrap over buyers: per-bucket sums in SQL, replicates here (Chamandy, Muralidharan,
 * Najmi & Naidu 2012, "Estimating uncertainty for massive data streams"; Najmi, "An introduction to
 * the Poisson bootstrap").
 *
 * Resampling n buyers with replacement gives each a multinomial count; for large n that is close to
 * independent Poisson(1) counts, which need no knowledge of n and can be drawn per buyer. Users are
 * hashed into G buckets and one weight is drawn per (bucket, replicate), so a buyer's weight in
 * replicate r is w[bucket(user), r]. The engine only sums each group's rows per bucket (the cube keeps
 * those sums per user bucket: ≤ G rows a group); the B = 1000 replicates Σ_b w[b, r]·sum_b and their
 * percentiles are computed here, a few million multiply-adds. (With G buckets this is a bootstrap of
 * G clusters of users: a whale is in one bucket, which sits out about e⁻¹ = 37 % of the replicates,
 * just as a buyer does when resampled.)
 *
 * The weights are drawn in TypeScript from a seeded PRNG, not hashed in SQL: DuckDB 1.5.6's
 * multi-argument `hash(uid, i)` is correlated across replicates (ρ ≈ 0.63, which made 90 % intervals
 * about 16 % too narrow). A table of independent draws has no such trap, is the same on every engine
 * and makes every interval reproducible. (Until issue 10's latency work the weights were a G × B table
 * joined in SQL; test/helpers/sql-bootstrap.ts keeps that path as the reference the tests compare with.)
 */
import type { Dialect } from "../engine/dialect.ts";
import type { Engine, Row } from "../engine/engine.ts";
import { Sfc32 } from "../generate/prng.ts";
import { nth } from "./exact-top.ts";

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

/** SQL: the bucket of a user id expression (text or integer key). */
export function bucketOf(
  engine: Engine,
  userExpr: string,
  design: BootstrapDesign = BOOTSTRAP_DEFAULTS,
): string {
  return engine.dialect.bucketOf(userExpr, design.buckets);
}

/** The weights of `design`, drawn once per process (the draws are a pure function of the design). */
const drawn = new Map<string, Uint8Array>();

export function weightsOf(design: BootstrapDesign = BOOTSTRAP_DEFAULTS): Uint8Array {
  const key = `${design.buckets}/${design.replicates}/${design.seed}`;
  let w = drawn.get(key);
  if (!w) {
    w = poissonWeights(design);
    drawn.set(key, w);
  }
  return w;
}

const asDoubles = new Map<string, Float64Array>();

/**
 * The weights as doubles: the same products and sums as from the bytes (every weight is a small
 * integer), without a conversion per multiply-add in the replicates' inner loop (a trust slice runs
 * a few hundred of them).
 */
function weightsAsDoubles(design: BootstrapDesign): Float64Array {
  const key = `${design.buckets}/${design.replicates}/${design.seed}`;
  let w = asDoubles.get(key);
  if (!w) {
    w = Float64Array.from(weightsOf(design));
    asDoubles.set(key, w);
  }
  return w;
}

/**
 * Σ_b w[b, r] · x[b] for every replicate r: per-bucket sums (length G) to their B replicates. Buckets
 * in a fixed order, so the same sums give the same replicates bit for bit on every engine.
 */
export function replicateSums(x: Float64Array, design: BootstrapDesign = BOOTSTRAP_DEFAULTS): Float64Array {
  const { buckets: G, replicates: B } = design;
  const w = weightsAsDoubles(design);
  const out = new Float64Array(B);
  // Four buckets per pass over the replicates (one load and store of each sum instead of four); each
  // replicate still adds its buckets in order, and a zero bucket adds an exact +0 to a sum that is
  // never −0, so the sums are bit for bit those of one bucket at a time.
  let b = 0;
  for (; b + 3 < G; b += 4) {
    const v0 = x[b]!;
    const v1 = x[b + 1]!;
    const v2 = x[b + 2]!;
    const v3 = x[b + 3]!;
    if (v0 === 0 && v1 === 0 && v2 === 0 && v3 === 0) continue;
    const r0 = b * B;
    const r1 = r0 + B;
    const r2 = r1 + B;
    const r3 = r2 + B;
    for (let r = 0; r < B; r++) {
      let sum = out[r]!;
      sum += w[r0 + r]! * v0;
      sum += w[r1 + r]! * v1;
      sum += w[r2 + r]! * v2;
      sum += w[r3 + r]! * v3;
      out[r] = sum;
    }
  }
  for (; b < G; b++) {
    const v = x[b]!;
    if (v === 0) continue;
    const row = b * B;
    for (let r = 0; r < B; r++) out[r]! += w[row + r]! * v;
  }
  return out;
}

/**
 * replicateSums of every one of `xs` (each of length G), in one pass over the weights per four of
 * them: each weight is loaded once for four multiply-adds instead of one, which halves the time of a
 * trust slice's few dozen calls (the weights, 1 MB of doubles, are the loop's main traffic). Every
 * replicate of every input still adds its buckets in order, four at a time, and a bucket group that
 * is zero in all four inputs is skipped as replicateSums skips it in one (a zero bucket adds an exact
 * +0 to a sum that is never −0), so each result is bit for bit replicateSums(x).
 */
export function replicateSumsOf(
  xs: readonly Float64Array[],
  design: BootstrapDesign = BOOTSTRAP_DEFAULTS,
): Float64Array[] {
  const out = xs.map(() => new Float64Array(design.replicates));
  let i = 0;
  for (; i + 3 < xs.length; i += 4)
    sumsOfFour(
      xs[i]!,
      xs[i + 1]!,
      xs[i + 2]!,
      xs[i + 3]!,
      out[i]!,
      out[i + 1]!,
      out[i + 2]!,
      out[i + 3]!,
      design,
    );
  const rest = xs.length - i;
  if (rest === 1) out[i]!.set(replicateSums(xs[i]!, design));
  else if (rest > 1) {
    // Two or three left: one pass of four with zero series in the empty places costs less than two
    // or three passes of one (the zero series' sums are thrown away).
    const zero = new Float64Array(design.buckets);
    const spare = () => new Float64Array(design.replicates);
    const x = (k: number) => xs[i + k] ?? zero;
    const o = (k: number) => out[i + k] ?? spare();
    sumsOfFour(x(0), x(1), x(2), x(3), o(0), o(1), o(2), o(3), design);
  }
  return out;
}

/** replicateSums of x, y, z and u into ox, oy, oz and ou (zeroed), sharing each weight's load. */
function sumsOfFour(
  x: Float64Array,
  y: Float64Array,
  z: Float64Array,
  u: Float64Array,
  ox: Float64Array,
  oy: Float64Array,
  oz: Float64Array,
  ou: Float64Array,
  design: BootstrapDesign,
): void {
  const { buckets: G, replicates: B } = design;
  const w = weightsAsDoubles(design);
  let b = 0;
  for (; b + 3 < G; b += 4) {
    const x0 = x[b]!;
    const x1 = x[b + 1]!;
    const x2 = x[b + 2]!;
    const x3 = x[b + 3]!;
    const y0 = y[b]!;
    const y1 = y[b + 1]!;
    const y2 = y[b + 2]!;
    const y3 = y[b + 3]!;
    const z0 = z[b]!;
    const z1 = z[b + 1]!;
    const z2 = z[b + 2]!;
    const z3 = z[b + 3]!;
    const u0 = u[b]!;
    const u1 = u[b + 1]!;
    const u2 = u[b + 2]!;
    const u3 = u[b + 3]!;
    if (
      x0 === 0 &&
      x1 === 0 &&
      x2 === 0 &&
      x3 === 0 &&
      y0 === 0 &&
      y1 === 0 &&
      y2 === 0 &&
      y3 === 0 &&
      z0 === 0 &&
      z1 === 0 &&
      z2 === 0 &&
      z3 === 0 &&
      u0 === 0 &&
      u1 === 0 &&
      u2 === 0 &&
      u3 === 0
    )
      continue;
    const r0 = b * B;
    const r1 = r0 + B;
    const r2 = r1 + B;
    const r3 = r2 + B;
    for (let r = 0; r < B; r++) {
      const w0 = w[r0 + r]!;
      const w1 = w[r1 + r]!;
      const w2 = w[r2 + r]!;
      const w3 = w[r3 + r]!;
      let sx = ox[r]!;
      sx += w0 * x0;
      sx += w1 * x1;
      sx += w2 * x2;
      sx += w3 * x3;
      ox[r] = sx;
      let sy = oy[r]!;
      sy += w0 * y0;
      sy += w1 * y1;
      sy += w2 * y2;
      sy += w3 * y3;
      oy[r] = sy;
      let sz = oz[r]!;
      sz += w0 * z0;
      sz += w1 * z1;
      sz += w2 * z2;
      sz += w3 * z3;
      oz[r] = sz;
      let su = ou[r]!;
      su += w0 * u0;
      su += w1 * u1;
      su += w2 * u2;
      su += w3 * u3;
      ou[r] = su;
    }
  }
  // The buckets past the last four, one at a time (as replicateSums adds them).
  for (; b < G; b++) {
    const row = b * B;
    const pairs: [Float64Array, Float64Array][] = [
      [x, ox],
      [y, oy],
      [z, oz],
      [u, ou],
    ];
    for (const [v, o] of pairs) {
      const vb = v[b]!;
      if (vb === 0) continue;
      for (let r = 0; r < B; r++) o[r]! += w[row + r]! * vb;
    }
  }
}

/** num / den, NaN (SQL NULL) when den is 0 or either side is undefined: the dialects' safeDivide. */
export function safeRatio(num: number, den: number): number {
  return den === 0 || Number.isNaN(den) || Number.isNaN(num) ? Number.NaN : num / den;
}

/**
 * The p-quantile of sorted values, linear between neighbours at position h = (n − 1)·p: the
 * definition of DuckDB's `quantile_cont` and ClickHouse's `quantileExactInclusive` (the dialects'
 * `quantile`, which the SQL path used). Spelled as DuckDB 1.5.6 computes it, x[⌊h⌋]·(1 − d) +
 * x[⌈h⌉]·d with d = h − ⌊h⌋, so it agrees with DuckDB to the last bit (test/bootstrap.test.ts);
 * ClickHouse spells the same line x[⌊h⌋] + d·(x[⌈h⌉] − x[⌊h⌋]), which can differ in the last bit.
 * Null when there is no value.
 */
export function quantileCont(sorted: Float64Array, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  if (lo === hi) return sorted[lo]!;
  const d = h - lo;
  return sorted[lo]! * (1 - d) + sorted[hi]! * d;
}

/** percentileInterval's copy of the defined replicates (grown as needed; it returns before the next call). */
let definedScratch = new Float64Array(BOOTSTRAP_DEFAULTS.replicates);

/** The percentile interval at `level` of replicates (NaN = undefined), and how many are defined. */
export function percentileInterval(
  values: Float64Array,
  level: number,
): { low: number | null; high: number | null; replicates: number } {
  // The defined replicates, copied into a scratch array in one pass (a trust slice runs ~100 of
  // these: no allocation each); only the four order statistics the two quantiles read are placed
  // (see OrderStatistics), which gives the values a full sort would at those positions.
  if (definedScratch.length < values.length) definedScratch = new Float64Array(values.length);
  let n = 0;
  for (let r = 0; r < values.length; r++) {
    const v = values[r]!;
    if (!Number.isNaN(v)) definedScratch[n++] = v;
  }
  const defined = definedScratch.subarray(0, n);
  const lowP = (1 - level) / 2;
  const ranks = new OrderStatistics(defined);
  const low = selectedQuantile(ranks, lowP);
  return { low, high: selectedQuantile(ranks, 1 - lowP), replicates: n };
}

/**
 * The order statistics of `values` (reordered, never sorted whole), asked for at positions that do
 * not decrease but for one already answered. After position k is placed, values[0..k] are the k + 1
 * smallest, so a later position k' > k is searched for in values[k + 1..n) only, and k + 1 is the
 * minimum of that rest (one pass, swapped into place). An interval's two quantiles read four
 * positions (the low one's two may follow the high one's when few replicates are defined), each the
 * value a full sort would hold there (ties are equal values): about half the work of a quickselect
 * over every value for each of the four.
 */
class OrderStatistics {
  /** The last position placed (values[0..placed] are the placed + 1 smallest), −1 before the first. */
  private placed = -1;
  /** The values answered, by position (an order statistic stays one however the values move). */
  private readonly answered = new Map<number, number>();

  constructor(private readonly values: Float64Array) {}

  get size(): number {
    return this.values.length;
  }

  /** The value at position k of the sorted values. */
  at(k: number): number {
    const known = this.answered.get(k);
    if (known !== undefined) return known;
    if (k < this.placed) throw new RangeError(`order statistic ${k} asked after ${this.placed}`);
    const a = this.values;
    const n = a.length;
    let x: number;
    if (k === this.placed + 1) {
      let best = k;
      for (let i = k + 1; i < n; i++) if (a[i]! < a[best]!) best = i;
      x = a[best]!;
      a[best] = a[k]!;
      a[k] = x;
    } else x = nth(a, n, k, this.placed + 1);
    this.placed = k;
    this.answered.set(k, x);
    return x;
  }
}

/** quantileCont of the values of `ranks`, the order statistics placed in increasing order. */
function selectedQuantile(ranks: OrderStatistics, p: number): number | null {
  const n = ranks.size;
  if (n === 0) return null;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const x = ranks.at(lo);
  if (lo === hi) return x;
  const d = h - lo;
  return x * (1 - d) + ranks.at(hi) * d;
}

/** A row value from SQL as a number; NaN for NULL. */
function numberOf(v: unknown): number {
  return v === null || v === undefined ? Number.NaN : Number(v);
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
  /** Buckets, replicates and seed of the weights (default BOOTSTRAP_DEFAULTS). */
  design?: BootstrapDesign;
}

/** Where ratioIntervals reads: a metric run (its parameters bound) or any BoundSql. */
export interface SqlReader {
  readonly d: Dialect;
  all(sql: string): Promise<Row[]>;
}

/** Per-bucket sums of one group and its exact totals, as the engine returned them. */
export interface BucketSeries {
  /** Per bucket 0..G−1 (rows of other buckets only count in the totals: they are not resampled). */
  values: Float64Array;
  /** Whether any row fell in a resampled bucket (else the group has no replicates at all). */
  resampled: boolean;
  /** The group's total over every row, summed exactly by the engine. */
  total: number;
}

/**
 * SQL of per-(group, bucket) sums of `columns` with each group's exact total beside them:
 * `${c}` and `${c}_total` per column (DOUBLE), grouped by `keys` and `bucket`. The sums are exact
 * decimals in the engine; only their final values become doubles.
 */
export function bucketSumsSql(from: string, keys: readonly string[], columns: readonly string[]): string {
  const keyList = keys.map((k) => `x.${k}`).join(", ");
  const partition = keys.length > 0 ? `PARTITION BY ${keys.map((k) => `s.${k}`).join(", ")}` : "";
  return `WITH s AS (SELECT ${keys.map((k) => `x.${k} AS ${k}, `).join("")}x.bucket AS bucket,
      ${columns.map((c) => `sum(x.${c}) AS ${c}`).join(", ")}
    FROM (${from}) x GROUP BY ${keyList}${keys.length > 0 ? ", " : ""}x.bucket)
  SELECT ${keys.map((k) => `s.${k} AS ${k}, `).join("")}CAST(s.bucket AS INTEGER) AS bucket,
    ${columns
      .map(
        (c) =>
          `CAST(s.${c} AS DOUBLE) AS ${c}, CAST(sum(s.${c}) OVER (${partition}) AS DOUBLE) AS ${c}_total`,
      )
      .join(", ")}
  FROM s`;
}

/** Rows of bucketSumsSql grouped by their key columns: per group, one BucketSeries per column. */
export function bucketSeries(
  rows: readonly Row[],
  keys: readonly string[],
  columns: readonly string[],
  design: BootstrapDesign = BOOTSTRAP_DEFAULTS,
): Map<string, { key: RatioInterval["key"]; series: Record<string, BucketSeries> }> {
  const out = new Map<string, { key: RatioInterval["key"]; series: Record<string, BucketSeries> }>();
  for (const row of rows) {
    const key = Object.fromEntries(keys.map((k) => [k, (row[k] ?? null) as RatioInterval["key"][string]]));
    const id = JSON.stringify(keys.map((k) => key[k]));
    let group = out.get(id);
    if (!group) {
      const series: Record<string, BucketSeries> = {};
      for (const c of columns)
        series[c] = {
          values: new Float64Array(design.buckets),
          resampled: false,
          total: numberOf(row[`${c}_total`]),
        };
      group = { key, series };
      out.set(id, group);
    }
    const bucket = Number(row.bucket);
    if (!(bucket >= 0 && bucket < design.buckets)) continue;
    for (const c of columns) {
      const s = group.series[c]!;
      // A NULL sum adds nothing, as SQL's sum() skips it.
      s.values[bucket] = row[c] === null || row[c] === undefined ? 0 : Number(row[c]);
      s.resampled = true;
    }
  }
  return out;
}

/**
 * Per replicate the rescaling N / Σ_b w_{b,r} N_b (NaN where the weighted count is 0), for per-bucket
 * buyers `n` of a slice.
 */
export function unitScales(n: BucketSeries, design: BootstrapDesign = BOOTSTRAP_DEFAULTS): Float64Array {
  const weighted = replicateSums(n.values, design);
  for (let r = 0; r < weighted.length; r++) weighted[r] = safeRatio(n.total, weighted[r]!);
  return weighted;
}

/**
 * Percentile intervals of Σ num / Σ den per group, from per-(group, bucket) sums: the engine sums
 * each group's rows per bucket (≤ G rows a group), and the B replicates Σ_b w_{b,r}·sum_b and their
 * percentiles are computed here, from the same seeded weights (a few million multiply-adds, where a
 * join with the G × B weights table in SQL took seconds at 4M sessions).
 *
 * Why `units`: a bucket holds many buyers, so Poisson weights on buckets make a *total* vary far
 * more than resampling buyers would (Var Σ_b w_b S_b = Σ_b S_b², which counts every pair of buyers in
 * one bucket). A ratio of two sums over the same buyers (LTV = revenue / buyers) does not suffer:
 * the pairs cancel. So totals are turned into such ratios: replicate r is scaled by
 * N / Σ_b w_{b,r} N_b, the slice's buyers over their weighted count. That is the ordinary bootstrap
 * of the slice's N buyers (N fixed, each source's share random).
 */
export async function ratioIntervals(q: SqlReader, spec: RatioSpec): Promise<RatioInterval[]> {
  const design = spec.design ?? BOOTSTRAP_DEFAULTS;
  const uk = spec.unitKeys ?? [];
  // One connection runs one statement at a time: the two reads go one after the other.
  const sumRows = await q.all(bucketSumsSql(spec.sums, spec.keys, ["num", "den"]));
  const unitRows = spec.units ? await q.all(bucketSumsSql(spec.units, uk, ["n"])) : [];
  const units = new Map<string, Float64Array>();
  for (const [id, u] of bucketSeries(unitRows, uk, ["n"], design))
    units.set(id, unitScales(u.series.n!, design));
  const out: RatioInterval[] = [];
  for (const { key, series } of bucketSeries(sumRows, spec.keys, ["num", "den"], design).values()) {
    const num = series.num!;
    const den = series.den!;
    const estimate = safeRatio(num.total, den.total);
    const result = { key, estimate: Number.isNaN(estimate) ? null : estimate };
    if (!num.resampled) {
      out.push({ ...result, low: null, high: null, replicates: 0 });
      continue;
    }
    const scale = spec.units ? units.get(JSON.stringify(uk.map((k) => key[k]))) : undefined;
    const side = (s: BucketSeries, name: "num" | "den"): Float64Array => {
      if (spec.fixed === name) return new Float64Array(design.replicates).fill(s.total);
      const reps = replicateSums(s.values, design);
      if (!spec.units) return reps;
      for (let r = 0; r < reps.length; r++) reps[r] = scale ? reps[r]! * scale[r]! : Number.NaN;
      return reps;
    };
    const n = side(num, "num");
    const d = side(den, "den");
    for (let r = 0; r < n.length; r++) n[r] = safeRatio(n[r]!, d[r]!);
    out.push({ ...result, ...percentileInterval(n, spec.level) });
  }
  return out;
}
