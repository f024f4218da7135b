/**
 * The exact arithmetic under the concentration numbers held in memory (src/metrics/concentration-memory.ts):
 * the top-m merge over descending lists equals sorting everything, and exact sums do not depend on
 * their order. The end numbers are compared with the SQL paths in test/intervals-paths.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareParts, ExactSum, topSum } from "../src/metrics/concentration-memory.ts";
import { decimalUnits, toDouble } from "../src/metrics/trust-memory.ts";

const MASK32 = (1n << 32n) - 1n;
const split = (units: bigint): [number, number] => [Number(units >> 32n), Number(units & MASK32)];

/** A seeded list of decimal texts with 12 places, some equal, some large. */
function values(seed: number, n: number): string[] {
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x;
  };
  return Array.from({ length: n }, () => {
    const whole = next() % 4 === 0 ? next() % 10_000_000 : next() % 500;
    const frac = String(next() % 1000).padStart(3, "0");
    return `${whole}.${frac}${"0".repeat(9)}`;
  });
}

function descending(texts: string[]): { hi: Float64Array; lo: Float64Array } {
  const units = texts.map(decimalUnits).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  const parts = units.map(split);
  return { hi: Float64Array.from(parts.map((p) => p[0])), lo: Float64Array.from(parts.map((p) => p[1])) };
}

describe("concentration in memory: exact top-m sums", () => {
  it("the merge of descending lists takes the same m values as one sort of all of them", () => {
    const lists = [3, 0, 17, 250, 1, 40].map((n, i) => values(7 + i, n));
    const all = lists
      .flat()
      .map(decimalUnits)
      .sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    for (const m of [0, 1, 2, 5, 37, 311, 400]) {
      const expected = all.slice(0, m).reduce((s, u) => s + u, 0n);
      const got = topSum(lists.map(descending), m);
      assert.equal(got.value(), toDouble(...split(expected)), `m = ${m}`);
      // The exact count, not only its double.
      assert.equal(BigInt(got.hi) * (1n << 32n) + BigInt(got.lo), expected, `m = ${m} exact`);
    }
  });

  it("sums stay exact past 2^53 counts of 1e-12 and in any order", () => {
    const texts = values(99, 2000).map((t, i) => (i % 50 === 0 ? `${9_000_000 + i}.123456789012` : t));
    const forward = new ExactSum();
    const backward = new ExactSum();
    for (const t of texts) forward.add(...split(decimalUnits(t)));
    for (const t of [...texts].reverse()) backward.add(...split(decimalUnits(t)));
    const exact = texts.map(decimalUnits).reduce((s, u) => s + u, 0n);
    assert.ok(exact > 2n ** 53n, "the test reaches past 2^53 units");
    assert.equal(forward.value(), backward.value());
    assert.equal(BigInt(forward.hi) * (1n << 32n) + BigInt(forward.lo), exact);
  });

  it("compares (high, low) pairs as the counts they stand for", () => {
    const [a, b, c] = ["1.000000000001", "1.000000000000", "4295.000000000000"].map((t) =>
      split(decimalUnits(t)),
    );
    assert.ok(compareParts(...a!, ...b!) > 0);
    assert.ok(compareParts(...b!, ...a!) < 0);
    assert.ok(compareParts(...c!, ...a!) > 0);
    assert.equal(compareParts(...a!, ...a!), 0);
  });
});
