/**
 * The exact arithmetic under the concentration numbers held in memory (src/metrics/buyer-memory.ts,
 * exact-top.ts, exact-parts.ts), against BigInt: a decimal's whole part and 1e-12 fraction become the
 * high and low parts decimalUnits gives; sums with subtractions stay exact; the top-m sum of a
 * quickselect equals sorting everything, ties and values beyond 2^53 counts included. The end
 * numbers are compared with the SQL paths in test/intervals-paths.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mulberry32 } from "../src/generate/prng.ts";
import {
  decimalParts,
  decimalPartsNear,
  decimalUnits,
  ExactSum,
  toDouble,
} from "../src/metrics/exact-parts.ts";
import { nth, topValues } from "../src/metrics/exact-top.ts";

const MASK32 = (1n << 32n) - 1n;
const split = (units: bigint): [number, number] => [Number(units >> 32n), Number(units & MASK32)];
const UNIT = 10n ** 12n;

/** Seeded decimal counts of 1e-12: many repeated, some beyond 2^53 (revenue above ~9,007), a few negative. */
function units(seed: number, n: number): bigint[] {
  const rand = mulberry32(seed);
  const pick = (k: number) => Math.floor(rand() * k);
  return Array.from({ length: n }, () => {
    const kind = pick(10);
    if (kind < 3) return BigInt(pick(5) * 100) * UNIT; // repeated round values
    if (kind < 5) return BigInt(pick(40_000_000)) * UNIT + BigInt(pick(1e6)) * 1_000_000n; // large
    if (kind === 5) return -(BigInt(pick(1000)) * UNIT + BigInt(pick(1e12)));
    return BigInt(pick(2000)) * UNIT + BigInt(pick(1e12));
  });
}

describe("exact parts of decimals", () => {
  it("whole part and 1e-12 fraction give decimalUnits' high and low parts, both paths", () => {
    const rand = mulberry32(5);
    const texts = ["0", "-0.000000000001", "7", "-12.5", "33554431.999999999999", "-33554432.000000000001"];
    for (let i = 0; i < 20_000; i++) {
      const whole = Math.floor((rand() - 0.5) * (i % 2 === 0 ? 1e5 : 2e11));
      const frac = String(Math.floor(rand() * 1e12)).padStart(12, "0");
      texts.push(`${whole < 0 ? "-" : ""}${Math.abs(whole)}.${frac}`);
    }
    for (const t of texts) {
      const u = decimalUnits(t);
      // floor and the fraction, as the SQL computes them from the decimal.
      const floor = u >= 0n ? u / UNIT : -((-u + UNIT - 1n) / UNIT);
      const got = decimalParts(Number(floor), Number(u - floor * UNIT));
      assert.deepEqual(got, split(u), t);
    }
  });

  it("a near whole number and the rest as a double give the same parts, either side of the value", () => {
    const rand = mulberry32(8);
    for (let i = 0; i < 20_000; i++) {
      const u = BigInt(Math.floor((rand() - 0.5) * 2e16)) * 1000n + BigInt(Math.floor(rand() * 1000));
      const floor = u >= 0n ? u / UNIT : -((-u + UNIT - 1n) / UNIT);
      // The engine's floor of the double can miss the true floor by one either way.
      for (const near of [floor - 1n, floor, floor + 1n]) {
        const rest = Number(u - near * UNIT) / 1e12;
        assert.deepEqual(decimalPartsNear(Number(near), rest), split(u), `${u} near ${near}`);
      }
    }
    assert.throws(() => decimalPartsNear(0.5, 0));
    assert.throws(() => decimalPartsNear(1, 2.5));
  });

  it("rejects what is not a whole part and a fraction", () => {
    assert.throws(() => decimalParts(1.5, 0));
    assert.throws(() => decimalParts(1, 1e12));
    assert.throws(() => decimalParts(1, -1));
  });

  it("sums with subtractions stay exact past 2^53 counts and in any order", () => {
    const values = units(99, 5000);
    const signs = values.map((_, i) => (i % 3 === 0 ? -1 : 1));
    const forward = new ExactSum();
    const backward = new ExactSum();
    for (const [i, u] of values.entries()) forward.add(...split(u), signs[i]);
    for (let i = values.length - 1; i >= 0; i--) backward.add(...split(values[i]!), signs[i]);
    const exact = values.reduce((s, u, i) => s + BigInt(signs[i]!) * u, 0n);
    assert.ok(exact > 2n ** 53n || exact < -(2n ** 53n), "the test reaches past 2^53 counts");
    assert.equal(forward.units(), exact);
    assert.equal(backward.units(), exact);
    assert.equal(forward.value(), toDouble(...split(exact)));
  });
});

describe("top values by quickselect", () => {
  it("nth equals the sorted position, with many ties", () => {
    const rand = mulberry32(3);
    for (const n of [1, 2, 3, 10, 1000, 5000]) {
      const a = Float64Array.from({ length: n }, () => Math.floor(rand() * 20));
      const sorted = Float64Array.from(a).sort();
      for (const k of [0, n >> 1, n - 1])
        assert.equal(nth(Float64Array.from(a), n, k), sorted[k], `n ${n} k ${k}`);
    }
  });

  it("the largest and the sum of the m largest equal a BigInt sort", () => {
    for (const [seed, n] of [
      [1, 1],
      [2, 7],
      [3, 250],
      [4, 10_000],
    ] as const) {
      const values = units(seed, n);
      const parts = values.map(split);
      const hi = Float64Array.from(parts.map((p) => p[0]));
      const lo = Uint32Array.from(parts.map((p) => p[1]));
      const sorted = [...values].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
      for (const m of [0, 1, 2, Math.ceil(n / 100), Math.floor(n / 2), n, n + 3]) {
        const got = topValues(hi, lo, n, m);
        const expected = sorted.slice(0, Math.min(m, n)).reduce((s, u) => s + u, 0n);
        assert.equal(got.topSum.units(), expected, `n ${n} m ${m}`);
        assert.equal(got.top, toDouble(...split(sorted[0]!)), `n ${n} top`);
      }
    }
  });

  it("values whose doubles tie beyond 2^53 counts are ranked exactly", () => {
    // 2^60 + 1, + 2, + 3 counts share one double; the top two must be the +3 and the +2.
    const big = 2n ** 60n;
    const values = [big + 1n, big + 3n, 5n, big + 2n, big + 1n];
    const parts = values.map(split);
    const hi = Float64Array.from(parts.map((p) => p[0]));
    const lo = Uint32Array.from(parts.map((p) => p[1]));
    assert.equal(Number(big + 1n), Number(big + 3n), "the doubles tie");
    for (const order of [values, [...values].reverse()]) {
      const p = order.map(split);
      const got = topValues(
        Float64Array.from(p.map((x) => x[0])),
        Uint32Array.from(p.map((x) => x[1])),
        order.length,
        2,
      );
      assert.equal(got.topSum.units(), 2n * big + 5n);
      assert.equal(got.top, toDouble(...split(big + 3n)));
    }
    assert.equal(topValues(hi, lo, values.length, 4).topSum.units(), 4n * big + 7n);
  });
});
