/**
 * The Poisson bootstrap (src/metrics/bootstrap.ts): the weights' distribution and independence, the
 * weights table on DuckDB, the ratio intervals on hand-made sums, and coverage on data with planted
 * truth (200 seeds).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BOOTSTRAP_DEFAULTS,
  bucketOf,
  percentileInterval,
  poissonWeights,
  quantileCont,
  type RatioInterval,
  type RatioSpec,
  ratioIntervals,
  replicateSums,
  replicateSumsOf,
} from "../src/metrics/bootstrap.ts";
import { BoundSql } from "../src/metrics/query.ts";
import { SliceReplicates } from "../src/metrics/slice-replicates.ts";
import { mulberry32 } from "./helpers/prng.ts";
import { createWeightsTable, sqlRatioIntervals } from "./helpers/sql-bootstrap.ts";
import { freshEngine, tempDir, writeLines } from "./helpers/temp.ts";

const { buckets: G, replicates: B } = BOOTSTRAP_DEFAULTS;
const WEIGHTS_TABLE = "test_boot_weights";

/** Pearson correlation of paired samples. */
function correlation(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe("Poisson(1) weights", () => {
  const w = Array.from(poissonWeights());

  it("have mean 1 and variance 1 (G × B = 128,000 draws: both within 4 standard errors)", () => {
    const mean = w.reduce((s, x) => s + x, 0) / w.length;
    const variance = w.reduce((s, x) => s + (x - mean) ** 2, 0) / (w.length - 1);
    assert.ok(Math.abs(mean - 1) < 0.012, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.02, `variance ${variance}`);
    // P(0) = P(1) = e⁻¹, as Poisson(1) has it.
    const zeros = w.filter((x) => x === 0).length / w.length;
    assert.ok(Math.abs(zeros - Math.exp(-1)) < 0.006, `P(0) ${zeros}`);
  });

  it("are uncorrelated across replicates and across buckets (|ρ| < 0.01)", () => {
    const at = (b: number, r: number) => w[b * B + r]!;
    const xs: number[] = [];
    const ys: number[] = [];
    for (let b = 0; b < G; b++) {
      for (let r = 0; r + 1 < B; r++) {
        xs.push(at(b, r));
        ys.push(at(b, r + 1));
      }
    }
    const acrossReplicates = correlation(xs, ys);
    assert.ok(Math.abs(acrossReplicates) < 0.01, `replicate r vs r+1: ${acrossReplicates}`);
    const us: number[] = [];
    const vs: number[] = [];
    for (let b = 0; b + 1 < G; b++) {
      for (let r = 0; r < B; r++) {
        us.push(at(b, r));
        vs.push(at(b + 1, r));
      }
    }
    const acrossBuckets = correlation(us, vs);
    assert.ok(Math.abs(acrossBuckets) < 0.01, `bucket b vs b+1: ${acrossBuckets}`);
    // Mean correlation over every pair of replicates, from the variance of each bucket's total over
    // replicates: Var(Σ_r w) = B·σ²·(1 + (B − 1)·ρ̄).
    const totals = Array.from({ length: G }, (_, b) =>
      w.slice(b * B, (b + 1) * B).reduce((s, x) => s + x, 0),
    );
    const tm = totals.reduce((s, x) => s + x, 0) / G;
    const tv = totals.reduce((s, x) => s + (x - tm) ** 2, 0) / (G - 1);
    const meanPairwise = (tv / B - 1) / (B - 1);
    assert.ok(Math.abs(meanPairwise) < 0.01, `mean pairwise ρ ${meanPairwise}`);
  });

  it("are deterministic per seed and differ between seeds", () => {
    assert.deepEqual(poissonWeights(), poissonWeights());
    assert.notDeepEqual(poissonWeights({ ...BOOTSTRAP_DEFAULTS, seed: 2 }), poissonWeights());
  });
});

describe("bootstrap in DuckDB", async () => {
  const engine = await freshEngine();
  await createWeightsTable(engine, WEIGHTS_TABLE);
  /**
   * The replicates computed in TypeScript (the product's path), checked against the same intervals
   * computed by the engine from the weights table (the SQL path it replaced) before being returned.
   */
  const intervals = async (spec: RatioSpec): Promise<RatioInterval[]> => {
    const q = new BoundSql(engine, {});
    const ts = await ratioIntervals(q, spec);
    const sql = await sqlRatioIntervals(q, { ...spec, weights: WEIGHTS_TABLE });
    assertSameIntervals(ts, sql, spec.keys);
    return ts;
  };

  it("the weights table holds exactly the generated draws", async () => {
    const w = poissonWeights();
    const [row] = await engine.all(
      `SELECT count(*)::INTEGER AS n, sum(w)::INTEGER AS s, max(bucket)::INTEGER AS gb, max(rep)::INTEGER AS gr,
        sum(w * (bucket * 1000 + rep))::BIGINT AS fingerprint FROM ${WEIGHTS_TABLE}`,
    );
    let fingerprint = 0;
    for (let i = 0; i < w.length; i++) fingerprint += w[i]! * i;
    assert.deepEqual(row, {
      n: G * B,
      s: w.reduce((s, x) => s + x, 0),
      gb: G - 1,
      gr: B - 1,
      fingerprint: String(fingerprint),
    });
  });

  it("users spread evenly over buckets, and their weights are uncorrelated across replicates", async () => {
    await engine.run(
      `CREATE TEMP TABLE boot_users AS SELECT CAST(range AS VARCHAR) AS uid FROM range(20000)`,
    );
    const counts = await engine.all(
      `SELECT ${bucketOf(engine, "uid")} AS b, count(*)::INTEGER AS n FROM boot_users GROUP BY 1`,
    );
    assert.equal(counts.length, G);
    const expected = 20000 / G;
    const chi2 = counts.reduce((s, r) => s + (Number(r.n) - expected) ** 2 / expected, 0);
    assert.ok(chi2 < G - 1 + 5 * Math.sqrt(2 * (G - 1)), `chi² ${chi2}`);
    // Per user, weight in replicate r against r + 1, pooled over replicates (5,000 users × 999).
    const [row] = await engine.all(
      `WITH u AS (SELECT ${bucketOf(engine, "uid")} AS b FROM boot_users LIMIT 5000)
       SELECT corr(a.w, c.w) AS rho FROM u JOIN ${WEIGHTS_TABLE} a ON a.bucket = u.b
       JOIN ${WEIGHTS_TABLE} c ON c.bucket = u.b AND c.rep = a.rep + 1`,
    );
    assert.ok(Math.abs(Number(row!.rho)) < 0.01, `ρ ${row!.rho}`);
  });

  it("a ratio that is the same in every bucket has a zero-width interval at its value", async () => {
    const sums = `SELECT 'a' AS k, range % ${G} AS bucket, 3.0 * (1 + range % 7) AS num, 1 + range % 7 AS den
      FROM range(1000)`;
    const [a] = await intervals({
      sums,
      keys: ["k"],
      level: 0.9,
    });
    assert.equal(a!.key.k, "a");
    assert.ok(
      Math.abs(a!.estimate! - 3) < 1e-12 && Math.abs(a!.low! - 3) < 1e-9 && Math.abs(a!.high! - 3) < 1e-9,
    );
    assert.equal(a!.replicates, B);
    // With the denominator fixed (costs), the ratio moves with the resampled total.
    const [f] = await intervals({
      sums,
      keys: ["k"],
      level: 0.9,
      fixed: "den",
    });
    assert.ok(f!.low! < 3 && f!.high! > 3 && Math.abs(f!.estimate! - 3) < 1e-12);
  });

  it("90 % intervals cover a planted LTV, ROMI and CAC of a source in 86–94 % of 200 samples", async (t) => {
    // Each sample: 1,000 buyers, each from source A with probability 0.3 (else B), with a log-normal
    // value (σ 0.8, skewed like order values). Spend of A fixed at 500. Truth for A:
    // LTV = e^{σ²/2}, ROMI = 1000 · 0.3 · e^{σ²/2} / 500, CAC = 500 / (1000 · 0.3).
    const sigma = 0.8;
    const lines = ["sample,uid,source,revenue"];
    for (let seed = 1; seed <= 200; seed++) {
      const rand = mulberry32(seed * 7919);
      const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
      for (let i = 0; i < 1000; i++)
        lines.push(
          `${seed},${seed}-${i},${rand() < 0.3 ? "A" : "B"},${Math.exp(sigma * normal()).toFixed(6)}`,
        );
    }
    const path = writeLines(tempDir(), "planted.csv", lines);
    await engine.run(
      `CREATE TEMP TABLE planted AS SELECT *, ${bucketOf(engine, "uid")} AS bucket FROM read_csv($path,
        header = true, columns = {'sample': 'INTEGER', 'uid': 'VARCHAR', 'source': 'VARCHAR', 'revenue': 'DOUBLE'})`,
      { path },
    );
    const mu = Math.exp((sigma * sigma) / 2);
    const a = "FROM planted WHERE source = 'A'";
    // Spend enters once per sample on a bucket no weight refers to: only the fixed side reads it.
    const spend = "UNION ALL SELECT DISTINCT sample, -1, 0, 500 FROM planted";
    const units = "SELECT sample, bucket, count(*) AS n FROM planted GROUP BY sample, bucket";
    const ltv = await intervals({
      sums: `SELECT sample, bucket, revenue AS num, 1 AS den ${a}`,
      keys: ["sample"],
      level: 0.9,
    });
    const romi = await intervals({
      sums: `SELECT sample, bucket, revenue AS num, 0 AS den ${a} ${spend}`,
      keys: ["sample"],
      level: 0.9,
      fixed: "den",
      units,
      unitKeys: ["sample"],
    });
    const cac = await intervals({
      sums: `SELECT sample, -1 AS bucket, 500 AS num, 0 AS den FROM planted WHERE uid LIKE '%-0'
        UNION ALL SELECT sample, bucket, 0, 1 ${a}`,
      keys: ["sample"],
      level: 0.9,
      fixed: "num",
      units,
      unitKeys: ["sample"],
    });
    assert.equal(ltv.length, 200);
    const cover = (rows: typeof ltv, truth: number) =>
      rows.filter((r) => r.low! <= truth && truth <= r.high!).length / rows.length;
    const ltvCoverage = cover(ltv, mu);
    const romiCoverage = cover(romi, (1000 * 0.3 * mu) / 500);
    const cacCoverage = cover(cac, 500 / (1000 * 0.3));
    t.diagnostic(`90 % coverage: LTV ${ltvCoverage}, ROMI ${romiCoverage}, CAC ${cacCoverage}`);
    assert.ok(cacCoverage >= 0.86 && cacCoverage <= 0.94, `CAC coverage ${cacCoverage}`);
    assert.ok(ltvCoverage >= 0.86 && ltvCoverage <= 0.94, `LTV coverage ${ltvCoverage}`);
    assert.ok(romiCoverage >= 0.86 && romiCoverage <= 0.94, `ROMI coverage ${romiCoverage}`);
  });
});

/** Same groups, same estimates and bounds (1e-9 relative: the engine sums decimals, TypeScript doubles). */
function assertSameIntervals(ts: RatioInterval[], sql: RatioInterval[], keys: readonly string[]): void {
  const id = (r: RatioInterval) => JSON.stringify(keys.map((k) => String(r.key[k])));
  const bySql = new Map(sql.map((r) => [id(r), r]));
  assert.equal(ts.length, sql.length, "groups");
  const close = (a: number | null, b: number | null, what: string) => {
    if (a === null || b === null) return assert.equal(a, b, what);
    assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
  };
  for (const r of ts) {
    const s = bySql.get(id(r));
    assert.ok(s, `group ${id(r)} missing in the SQL path`);
    assert.equal(r.replicates, s.replicates, `${id(r)} replicates`);
    close(r.estimate, s.estimate, `${id(r)} estimate`);
    close(r.low, s.low, `${id(r)} low`);
    close(r.high, s.high, `${id(r)} high`);
  }
}

describe("replicates in TypeScript", async () => {
  const engine = await freshEngine();
  const w = poissonWeights();

  it("replicate sums are Σ_b w[b, r]·x[b] (a plain double loop over the weights)", () => {
    const rand = mulberry32(5);
    const x = new Float64Array(G).map((_, b) => (b % 3 === 0 ? 0 : rand() * 100));
    const got = replicateSums(x);
    for (const r of [0, 1, 499, B - 1]) {
      let expected = 0;
      for (let b = 0; b < G; b++) expected += w[b * B + r]! * x[b]!;
      assert.ok(Math.abs(got[r]! - expected) <= 1e-12 * expected, `replicate ${r}`);
    }
  });

  it("batched replicate sums are replicateSums bit for bit, zero and repeated series included", () => {
    const rand = mulberry32(7);
    // Sparse (whole groups of four zero), negative, dense and all-zero series, in batches of 1 to 9.
    const series = (i: number) =>
      new Float64Array(G).map((_, b) =>
        i % 4 === 0 ? 0 : i % 4 === 1 && b % 8 < 4 ? 0 : (rand() - (i % 4 === 2 ? 0.3 : 0)) * 10 ** (i % 5),
      );
    const same = (a: Float64Array, b: Float64Array, what: string) =>
      assert.deepEqual(new Uint32Array(a.buffer), new Uint32Array(b.buffer), what);
    for (let k = 1; k <= 9; k++) {
      const xs = Array.from({ length: k }, (_, i) => series(i + k));
      const got = replicateSumsOf(xs);
      for (let i = 0; i < k; i++) same(got[i]!, replicateSums(xs[i]!), `batch of ${k}, series ${i}`);
      // A slice's replicates: the same, each series summed once however often it is named.
      const slice = new SliceReplicates();
      slice.prepare([...xs, ...xs.map((x) => x.slice())]);
      for (let i = 0; i < k; i++) same(slice.sums(xs[i]!.slice()), replicateSums(xs[i]!), `slice, ${k}/${i}`);
    }
    // G not a multiple of four: the last buckets one at a time.
    const design = { ...BOOTSTRAP_DEFAULTS, buckets: 10, replicates: 7 };
    const xs = Array.from({ length: 5 }, (_, i) => new Float64Array(10).map(() => (i === 2 ? 0 : rand())));
    const got = replicateSumsOf(xs, design);
    for (let i = 0; i < 5; i++) same(got[i]!, replicateSums(xs[i]!, design), `G = 10, series ${i}`);
  });

  it("percentile intervals equal quantile_cont over the sorted defined replicates", () => {
    const rand = mulberry32(13);
    for (const n of [0, 1, 2, 3, 4, 7, 20, 999, 1000]) {
      for (const ties of [false, true]) {
        const values = new Float64Array(n + 5).map(() =>
          ties ? Math.floor(rand() * 4) : rand() * 1000 - 200,
        );
        for (let i = 0; i < 5; i++) values[Math.floor(rand() * values.length)] = Number.NaN;
        const sorted = values.filter((v) => !Number.isNaN(v)).sort();
        for (const level of [0, 0.5, 0.8, 0.9, 0.95, 0.99, 1]) {
          const got = percentileInterval(values.slice(), level);
          const lowP = (1 - level) / 2;
          const what = `n ${n}, ties ${ties}, level ${level}`;
          assert.equal(got.replicates, sorted.length, what);
          assert.equal(got.low, quantileCont(sorted, lowP), `${what} low`);
          assert.equal(got.high, quantileCont(sorted, 1 - lowP), `${what} high`);
        }
      }
    }
  });

  it("percentiles interpolate exactly as DuckDB's quantile_cont", async () => {
    const rand = mulberry32(11);
    for (const n of [1, 2, 3, 10, 999, 1000]) {
      const values = Array.from({ length: n }, () => rand() * 1000 - 200);
      const sorted = Float64Array.from(values).sort();
      for (const p of [0, 0.05, (1 - 0.9) / 2, 0.25, 0.5, 0.95, 1 - (1 - 0.8) / 2, 1]) {
        const [row] = await engine.all(
          `SELECT quantile_cont(v, ${p}) AS q FROM (SELECT unnest($values::DOUBLE[]) AS v)`,
          { values: `[${values.join(",")}]` },
        );
        assert.equal(quantileCont(sorted, p), Number(row!.q), `n ${n}, p ${p}`);
      }
    }
    assert.equal(quantileCont(new Float64Array(0), 0.5), null);
    // Hand-worked: (n − 1)·p = 1.5 between 20 and 40.
    assert.equal(quantileCont(Float64Array.from([10, 20, 40, 80]), 0.5), 30);
  });

  it("an LTV interval equals a per-buyer bootstrap computed from the weights by hand", async () => {
    // 300 buyers in 40 buckets with known revenue: replicate r weighs buyer i by w[bucket_i, r].
    const rand = mulberry32(23);
    const buyers = Array.from({ length: 300 }, (_, i) => ({
      bucket: (i * 7) % 40,
      revenue: Math.round(Math.exp(2 * rand()) * 100) / 100,
    }));
    const values = buyers.map((b) => `(${b.bucket}, ${b.revenue.toFixed(2)})`).join(", ");
    const [got] = await ratioIntervals(new BoundSql(engine, {}), {
      sums: `SELECT 'x' AS k, v.bucket AS bucket, v.revenue AS num, 1 AS den
        FROM (VALUES ${values}) v(bucket, revenue)`,
      keys: ["k"],
      level: 0.8,
    });
    const replicates: number[] = [];
    for (let r = 0; r < B; r++) {
      let num = 0;
      let den = 0;
      for (const b of buyers) {
        num += w[b.bucket * B + r]! * b.revenue;
        den += w[b.bucket * B + r]!;
      }
      if (den > 0) replicates.push(num / den);
    }
    replicates.sort((a, b) => a - b);
    const at = (p: number) => {
      const h = (replicates.length - 1) * p;
      const lo = Math.floor(h);
      return (
        replicates[lo]! + (h - lo) * (replicates[Math.min(lo + 1, replicates.length - 1)]! - replicates[lo]!)
      );
    };
    const total = buyers.reduce((s, b) => s + b.revenue, 0);
    assert.equal(got!.replicates, replicates.length);
    assert.ok(Math.abs(got!.estimate! - total / buyers.length) < 1e-9);
    assert.ok(Math.abs(got!.low! - at(0.1)) < 1e-9, `low ${got!.low} vs ${at(0.1)}`);
    assert.ok(Math.abs(got!.high! - at(0.9)) < 1e-9, `high ${got!.high} vs ${at(0.9)}`);
    assert.ok(got!.low! < got!.estimate! && got!.estimate! < got!.high!);
  });
});
