/** Compares "Sources in numbers" rows (SQL, naive, hand-worked) by source, numbers to 1e-9. */
import assert from "node:assert/strict";
import { closeEnough } from "../fixtures/compare-tables.ts";

export interface SourceNumbersLike {
  source: string;
  orders: number;
  revenue: number;
  lagBuyers: number;
  lagMeanDays: number | null;
  lagMedianDays: number | null;
}

export function assertSameSourceNumbers(
  got: readonly SourceNumbersLike[],
  want: readonly SourceNumbersLike[],
  what: string,
): void {
  const key = (rows: readonly SourceNumbersLike[]) => rows.map((r) => r.source).sort();
  assert.deepEqual(key(got), key(want), `${what}: the same sources`);
  for (const w of want) {
    const g = got.find((r) => r.source === w.source)!;
    assert.equal(g.orders, w.orders, `${what}: orders of ${w.source}`);
    assert.equal(g.lagBuyers, w.lagBuyers, `${what}: lag buyers of ${w.source}`);
    for (const field of ["revenue", "lagMeanDays", "lagMedianDays"] as const) {
      const a = g[field];
      const b = w[field];
      assert.ok(
        a === b || (a !== null && b !== null && closeEnough(a, b)),
        `${what}: ${field} of ${w.source}: got ${a}, want ${b}`,
      );
    }
  }
}
