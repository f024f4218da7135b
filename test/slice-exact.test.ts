/**
 * The pieces of slice arithmetic done in JavaScript rather than SQL: exact decimal sums (the money of
 * a slice), means over cohorts taken as fixed-point decimals (against DuckDB's own SQL, which the slice
 * ran before), and the conversion-lag median from the per-window lag index, each against a direct
 * computation.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DuckDbEngine } from "../src/engine/duckdb-engine.ts";
import { mulberry32 } from "../src/generate/prng.ts";
import { decimalMean, decimalOf, decimalOfDouble, decimalToNumber } from "../src/metrics/exact-decimal.ts";
import { lagStats, readLagIndex } from "../src/metrics/lag-index.ts";
import type { BoundSql } from "../src/metrics/query.ts";

test("decimal sums are exact and become the nearest double", () => {
  assert.equal(decimalToNumber(decimalOf("0.100000") + decimalOf("0.200000")), 0.3);
  assert.equal(decimalToNumber(decimalOf("-12.5") + decimalOf("2")), -10.5);
  assert.equal(decimalToNumber(decimalOf("7174.000000000000")), 7174);
  assert.equal(decimalToNumber(decimalOf("123456789.123456")), 123456789.123456);
  assert.throws(() => decimalOf("1e5"), /decimal/);
  assert.throws(() => decimalOf(null), /decimal/);
});

test("a mean over cohorts as fixed-point decimals equals DuckDB's avg(CAST(x AS DECIMAL(38, 12)))", async () => {
  const rand = mulberry32(11);
  // LTV-like and orders-per-buyer-like terms: margin x revenue / size, orders / size.
  const xs = Array.from({ length: 4000 }, () =>
    rand() < 0.5
      ? (0.73 * rand() * 20_000) / (1 + Math.floor(rand() * 900))
      : Math.ceil(rand() * 5000) / 1777,
  );
  const engine = await DuckDbEngine.open({ path: ":memory:" });
  try {
    const values = xs.map((x) => `(CAST('${x.toPrecision(17)}' AS DOUBLE))`).join(", ");
    const cast = await engine.all(
      `SELECT CAST(CAST(v.x AS DECIMAL(38, 12)) AS VARCHAR) AS d FROM (VALUES ${values}) v(x)`,
    );
    for (const [i, row] of cast.entries())
      assert.equal(decimalOfDouble(xs[i]!), decimalOf(row.d), `term ${xs[i]}`);
    for (const n of [1, 2, 3, 7, 12, 100, 4000]) {
      const [row] = await engine.all(
        `SELECT avg(CAST(v.x AS DECIMAL(38, 12))) AS m FROM (VALUES ${xs
          .slice(0, n)
          .map((x) => `(CAST('${x.toPrecision(17)}' AS DOUBLE))`)
          .join(", ")}) v(x)`,
      );
      const sum = xs.slice(0, n).reduce((s, x) => s + decimalOfDouble(x), 0n);
      assert.equal(decimalMean(sum, n), row?.m, `mean of ${n}`);
    }
  } finally {
    await engine.close();
  }
  assert.equal(decimalMean(0n, 0), null);
  assert.equal(decimalMean(decimalOf("-1.5"), 2), -0.75);
});

test("lag median and mean from the index equal a sort of the lags", async () => {
  const rand = mulberry32(5);
  const buyers = Array.from({ length: 2001 }, () => ({
    r: Math.floor(rand() * 4),
    lag: Math.floor(rand() * rand() * 3_000_000),
    isUser: rand() < 0.97 ? 1 : 0,
    attributable: rand() < 0.95 ? 1 : 0,
  }));
  const groups = new Map<
    string,
    { r: number | null; lag_s: number | null; n: number; is_user: number; attributable: number }
  >();
  for (const b of buyers) {
    const row = b.isUser
      ? { r: b.r, lag_s: b.attributable ? b.lag : null, is_user: 1, attributable: b.attributable }
      : { r: null, lag_s: null, is_user: 0, attributable: 0 };
    const key = JSON.stringify(row);
    groups.set(key, { ...row, n: (groups.get(key)?.n ?? 0) + 1 });
  }
  const rows = [...groups.values()].sort(
    (a, b) => (a.r ?? -1) - (b.r ?? -1) || (a.lag_s ?? -1) - (b.lag_s ?? -1),
  );
  const index = await readLagIndex({ all: async () => rows } as unknown as BoundSql, "new_buyers");
  for (const combos of [null, [0], [1, 3], [2, 0, 1]]) {
    const lags = buyers
      .filter((b) => b.isUser && b.attributable && (combos === null || combos.includes(b.r)))
      .map((b) => b.lag)
      .sort((a, b) => a - b);
    const pos = 0.5 * (lags.length - 1);
    const median =
      lags[Math.floor(pos)]! + (lags[Math.ceil(pos)]! - lags[Math.floor(pos)]!) * (pos - Math.floor(pos));
    const stats = lagStats(index, combos);
    assert.equal(stats.buyers, lags.length);
    assert.equal(stats.medianMinutes, median / 60);
    assert.equal(stats.meanDays, lags.reduce((a, b) => a + b, 0) / lags.length / 86_400);
    const counted = buyers.filter((b) => combos === null || (b.isUser && combos.includes(b.r)));
    assert.equal(stats.excludedNoSession, counted.filter((b) => !b.isUser).length);
    assert.equal(stats.excludedOrderFirst, counted.filter((b) => b.isUser && !b.attributable).length);
  }
});
