/**
 * The SQL metric engine against the naive in-memory reference (test/naive), on generated data: every
 * table, for every attribution model and both cohort grains, several seeds. The two implementations
 * were written independently from the spec; any difference is a bug in one of them.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeMetrics } from "../src/metrics/index.ts";
import { normalizeOptions, readDataBounds } from "../src/metrics/options.ts";
import type { Attribution, CohortGrain } from "../src/metrics/tables.ts";
import { assertSameTables, closeEnough } from "./fixtures/compare-tables.ts";
import { canonicalRecords } from "./helpers/canonical-records.ts";
import { ENGINES, ingestedSampleOn } from "./helpers/engines.ts";
import { assertSameSourceNumbers } from "./helpers/source-numbers.ts";
import { naiveDetails } from "./naive/index.ts";

const CASES: {
  seed: number;
  users: number;
  attribution: Attribution;
  grain: CohortGrain;
  horizon: number;
}[] = [
  { seed: 1, users: 1500, attribution: "first-touch", grain: "month", horizon: 6 },
  { seed: 2, users: 1200, attribution: "last-touch", grain: "month", horizon: 3 },
  { seed: 3, users: 1200, attribution: "linear", grain: "week", horizon: 6 },
  { seed: 4, users: 600, attribution: "linear", grain: "month", horizon: 1 },
];

for (const kind of ENGINES)
  describe(`SQL engine = naive reference on generated data (${kind.name})`, () => {
    for (const c of CASES) {
      it(`seed ${c.seed}, ${c.users} users, ${c.attribution}, ${c.grain} cohorts, H=${c.horizon}`, async () => {
        const { engine } = await ingestedSampleOn(kind, c.users, c.seed);
        const options = normalizeOptions(
          { attribution: c.attribution, cohortGrain: c.grain, horizon: String(c.horizon) },
          await readDataBounds(engine),
        );
        const sql = await computeMetrics(engine, options);
        // The reference reads the canonical rows where they were ingested (DuckDB SQL).
        const naive = naiveDetails(await canonicalRecords(engine.staging ?? engine), options);

        assertSameTables(sql.tables, naive.tables);
        const near = (a: number | null, b: number | null, what: string) =>
          assert.ok(
            a === b || (a !== null && b !== null && closeEnough(a, b)),
            `${what}: sql ${a} vs naive ${b}`,
          );
        near(sql.sessions.meanS, naive.sessionStats.mean_s, "session mean");
        near(sql.sessions.medianS, naive.sessionStats.median_s, "session median");
        near(sql.sessions.modeS, naive.sessionStats.mode_s, "session mode");
        near(sql.sessions.p90S, naive.sessionStats.p90_s, "session p90");
        assert.equal(sql.conversion.lag.excludedNoSession, naive.conversionLag.excluded_no_session);
        assert.equal(sql.conversion.lag.excludedOrderFirst, naive.conversionLag.excluded_order_first);
        assertSameSourceNumbers(sql.sourceNumbers, naive.sourceNumbers, "sources in numbers");
        near(sql.activity.dau.meanAllPeriods, naive.allPeriodsMean.dau, "DAU over all periods");
        // The data must exercise the interesting paths, or the comparison proves little.
        assert.ok(naive.tables.by_source.length >= 8, "several sources");
        assert.ok(
          naive.tables.ltv.some((r) => r.ltv === null),
          "unobserved LTV cells",
        );
      });
    }
  });
