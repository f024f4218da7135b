/**
 * The SQL metric engine against the hand-made fixture, whose every expected value is worked out by
 * hand in test/fixtures/hand-made.ts (the same expectations the naive reference is held to).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeMetrics } from "../src/metrics/index.ts";
import { normalizeOptions } from "../src/metrics/options.ts";
import type { Attribution, CohortGrain } from "../src/metrics/tables.ts";
import { assertTablesMatch, closeEnough } from "./fixtures/compare-tables.ts";
import {
  expectedFor,
  expectedLagStats,
  expectedSessionStats,
  expectedSourceNumbers,
  handMadeInput,
} from "./fixtures/hand-made.ts";
import { ENGINES, loadRecordsOn } from "./helpers/engines.ts";
import { assertSameSourceNumbers } from "./helpers/source-numbers.ts";

const MODELS: Attribution[] = ["first-touch", "last-touch", "linear"];

for (const kind of ENGINES)
  describe(`SQL engine on the hand-made fixture (${kind.name})`, async () => {
    const engine = await kind.open();
    await loadRecordsOn(engine, handMadeInput);

    for (const [model, grain] of [
      ...MODELS.map((m) => [m, "month"] as const),
      ["first-touch", "week"] as const,
    ]) {
      it(`${model}, ${grain} cohorts: every table as worked out by hand`, async () => {
        const expected = expectedFor(model, grain as CohortGrain);
        const options = normalizeOptions({ ...expected.options });
        const result = await computeMetrics(engine, options);
        assertTablesMatch(result.tables, expected.tables);
      });
    }

    it("session statistics and conversion-lag exclusions", async () => {
      const expected = expectedFor("first-touch", "month");
      const result = await computeMetrics(engine, normalizeOptions({ ...expected.options }));
      const s = result.sessions;
      for (const [got, want] of [
        [s.meanS, expectedSessionStats.mean_s],
        [s.medianS, expectedSessionStats.median_s],
        [s.modeS, expectedSessionStats.mode_s],
        [s.p90S, expectedSessionStats.p90_s],
      ] as const) {
        assert.ok(got !== null && want !== null && closeEnough(got, want), `${got} vs ${want}`);
      }
      assert.equal(result.conversion.lag.excludedNoSession, expectedLagStats.excluded_no_session);
      assert.equal(result.conversion.lag.excludedOrderFirst, expectedLagStats.excluded_order_first);
    });

    it("sources in numbers: orders, revenue and lag mean / median per acquisition source", async () => {
      const expected = expectedFor("last-touch", "month");
      const result = await computeMetrics(engine, normalizeOptions({ ...expected.options }));
      assertSameSourceNumbers(result.sourceNumbers, expectedSourceNumbers, "hand-made");
      const sum = (f: (r: (typeof result.sourceNumbers)[number]) => number) =>
        result.sourceNumbers.reduce((a, r) => a + f(r), 0);
      assert.equal(
        sum((r) => r.orders),
        result.data.orders,
      );
      assert.ok(
        closeEnough(
          sum((r) => r.revenue),
          result.data.revenue,
        ),
      );
      assert.equal(
        sum((r) => r.lagBuyers),
        result.conversion.lag.buyers,
      );
    });
  });
