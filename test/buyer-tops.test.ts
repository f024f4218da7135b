/**
 * The buyers of a buyer table's parts at a horizon (src/metrics/buyer-tops.ts), both ways a table is
 * read (linear, before it is ranked; ranked, after RANK_AFTER uses), against BigInt: per part and
 * horizon the buyers counted from their rows, the largest buyer, and the exact sum of the m largest of
 * any set of parts, with values that tie as doubles beyond 2^53 counts and with negative ones.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { mulberry32 } from "../src/generate/prng.ts";
import type { BuyerTable } from "../src/metrics/buyer-memory.ts";
import { BuyerTops, RANK_AFTER } from "../src/metrics/buyer-tops.ts";
import { toDouble } from "../src/metrics/exact-parts.ts";

const MASK32 = (1n << 32n) - 1n;
const split = (units: bigint): [number, number] => [Number(units >> 32n), Number(units & MASK32)];
const UNIT = 10n ** 12n;

interface Buyer {
  part: number;
  /** Lifetimes it ordered in, ascending, and its cumulative revenue through each. */
  lifetimes: number[];
  cumulative: bigint[];
}

/** A seeded table: buyers in parts, each with orders in a few lifetimes (some revenue large, some tied, a few refunds). */
function tableOf(seed: number, parts: number, buyers: number, months: number) {
  const rand = mulberry32(seed);
  const pick = (k: number) => Math.floor(rand() * k);
  const big = 2n ** 60n;
  const all: Buyer[] = [];
  for (let b = 0; b < buyers; b++) {
    const lifetimes = [...new Set(Array.from({ length: 1 + pick(4) }, () => pick(months)))].sort(
      (x, y) => x - y,
    );
    let total = 0n;
    const cumulative = lifetimes.map(() => {
      const kind = pick(10);
      if (kind < 2)
        total += 100n * UNIT; // round values: ties
      else if (kind < 4)
        total += big + BigInt(pick(4)); // ties as doubles, not exactly
      else if (kind === 4)
        total -= BigInt(pick(500)) * UNIT; // a refund
      else total += BigInt(pick(3000)) * UNIT + BigInt(pick(1e12));
      return total;
    });
    all.push({ part: pick(parts), lifetimes, cumulative });
  }
  all.sort((x, y) => x.part - y.part);
  const start = new Int32Array(parts + 1);
  const rows: { lifetime: number; next: number; value: bigint; buyer: Buyer }[] = [];
  for (let p = 0; p < parts; p++) {
    start[p] = rows.length;
    for (const buyer of all.filter((x) => x.part === p))
      for (const [i, lifetime] of buyer.lifetimes.entries())
        rows.push({ lifetime, next: buyer.lifetimes[i + 1] ?? lifetime, value: buyer.cumulative[i]!, buyer });
  }
  start[parts] = rows.length;
  const table: BuyerTable = {
    months,
    codes: [],
    start,
    lifetime: Uint16Array.from(rows.map((r) => r.lifetime)),
    next: Uint16Array.from(rows.map((r) => r.next)),
    hi: Float64Array.from(rows.map((r) => split(r.value)[0])),
    lo: Uint32Array.from(rows.map((r) => split(r.value)[1])),
    steps: [],
    bytes: 0,
  };
  return { table, all };
}

/** A buyer's revenue at horizon H: through its last lifetime below H; none without one. */
function atHorizon(buyer: Buyer, H: number): bigint | null {
  let value: bigint | null = null;
  for (const [i, lt] of buyer.lifetimes.entries()) if (lt < H) value = buyer.cumulative[i]!;
  return value;
}

describe("the largest buyers of a table's parts", () => {
  for (const [seed, parts, buyers, months] of [
    [1, 1, 1, 3],
    [2, 5, 40, 6],
    [3, 12, 900, 12],
  ] as const) {
    it(`counts, the largest and the top m equal BigInt, linear and ranked (seed ${seed}, ${buyers} buyers)`, () => {
      const { table, all } = tableOf(seed, parts, buyers, months);
      const tops = new BuyerTops(table);
      const rand = mulberry32(seed + 100);
      for (let use = 0; use <= RANK_AFTER + 1; use++) {
        tops.used();
        for (let H = 1; H <= months + 2; H++) {
          const values = (chosen: number[]) =>
            all
              .filter((b) => chosen.includes(b.part))
              .map((b) => atHorizon(b, H))
              .filter((v): v is bigint => v !== null)
              .sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
          for (let p = 0; p < parts; p++) {
            const own = values([p]);
            assert.equal(tops.buyersAt(p, H), own.length, `part ${p} H ${H}`);
            const best = tops.bestAt(p, H);
            if (own.length === 0) assert.equal(best, -1);
            else assert.equal(BigInt(table.hi[best]!) * 2n ** 32n + BigInt(table.lo[best]!), own[0]);
          }
          const chosen = Array.from({ length: parts }, (_, p) => p).filter(() => rand() < 0.6);
          const expected = values(chosen);
          for (const m of [
            1,
            2,
            Math.ceil(expected.length / 100),
            Math.floor(expected.length / 2),
            expected.length,
          ]) {
            if (expected.length === 0 || m === 0) continue;
            const got = tops.top(chosen, H, m);
            const sum = expected.slice(0, m).reduce((s, v) => s + v, 0n);
            assert.equal(got.topSum.units(), sum, `use ${use} H ${H} m ${m}`);
            assert.equal(got.top, toDouble(...split(expected[0]!)), `use ${use} H ${H} top`);
          }
        }
      }
    });
  }
});
