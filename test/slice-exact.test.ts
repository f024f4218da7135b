/**
 * The two pieces of slice arithmetic done in JavaScript rather than SQL: exact decimal sums (the money
 * of a slice) and the conversion-lag median from the per-window lag index, each against a direct
 * computation.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { mulberry32 } from "../src/generate/prng.ts";
import { decimalOf, decimalToNumber } from "../src/metrics/exact-decimal.ts";
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
