/**
 * The intervals of a slice (metrics/intervals.ts: per-bucket sums from the cube, replicates in
 * TypeScript) and its concentration per source and cohort (the window's per-buyer revenue in memory,
 * buyer-memory.ts, read once for every horizon) against the SQL paths they replaced (test/helpers/sql-bootstrap.ts: the weights as a
 * table joined by the engine, percentiles by the dialect's quantile), on a generated sample, for
 * filters with and without spend, every attribution model and two horizons, on every engine.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type AcquisitionFilter, buildCube, type Cube, scopeOf, sliceCube } from "../src/metrics/cube.ts";
import type { WindowTables } from "../src/metrics/cube-tables.ts";
import { ATTRIBUTIONS } from "../src/metrics/options.ts";
import { MetricRun } from "../src/metrics/query.ts";
import type { ConcentrationStats, Interval, IntervalStats, MetricsResult } from "../src/metrics/result.ts";
import { ENGINES, ingestedSampleOn } from "./helpers/engines.ts";
import { createWeightsTable, sqlIntervalStats } from "./helpers/sql-bootstrap.ts";
import {
  sqlCohortConcentration,
  sqlRankedSourceConcentration,
  sqlSourceConcentration,
} from "./helpers/sql-concentration.ts";

const FILTERS = [
  { sources: [], devices: [] },
  { sources: ["1", "4", "5"], devices: [] },
  { sources: [], devices: ["touch"] },
];

/** Same rows, bounds equal to 1e-9 relative (the engine summed decimals, TypeScript doubles). */
function assertSame(ts: IntervalStats, sql: IntervalStats, where: string): void {
  const close = (a: Interval, b: Interval, what: string) => {
    for (const side of ["low", "high"] as const) {
      const x = a[side];
      const y = b[side];
      if (x === null || y === null) assert.equal(x, y, `${where} ${what} ${side}`);
      else
        assert.ok(
          Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y)),
          `${where} ${what} ${side}: ${x} vs ${y}`,
        );
    }
  };
  assert.equal(ts.replicates, sql.replicates, `${where} replicates`);
  assert.deepEqual(
    ts.bySource.map((r) => r.source),
    sql.bySource.map((r) => r.source),
    `${where} sources`,
  );
  ts.bySource.forEach((r, i) => {
    const s = sql.bySource[i]!;
    close(r.ltvH, s.ltvH, `${r.source} ltvH`);
    close(r.romiH, s.romiH, `${r.source} romiH`);
    close(r.cac, s.cac, `${r.source} cac`);
  });
  assert.deepEqual(
    ts.byCohort.map((r) => r.cohort),
    sql.byCohort.map((r) => r.cohort),
    `${where} cohorts`,
  );
  for (const [i, r] of ts.byCohort.entries()) close(r.ltv, sql.byCohort[i]!.ltv, `cohort ${r.cohort}`);
  const key = (r: { source: string; lifetime: number }) => `${r.source}/${r.lifetime}`;
  assert.deepEqual(
    ts.romiBySourceLifetime.map(key),
    sql.romiBySourceLifetime.map(key),
    `${where} romi cells`,
  );
  for (const [i, r] of ts.romiBySourceLifetime.entries())
    close(r.romi, sql.romiBySourceLifetime[i]!.romi, key(r));
}

/** Concentration from memory equals, digit for digit, the per-request grouping and the SQL ranking it replaced. */
async function assertConcentration(run: MetricRun, got: ConcentrationStats, where: string): Promise<void> {
  assert.deepEqual(got.bySource, await sqlSourceConcentration(run), `${where} concentration`);
  assert.deepEqual(got.bySource, await sqlRankedSourceConcentration(run), `${where} concentration (ranked)`);
  assert.deepEqual(got.byCohort, await sqlCohortConcentration(run), `${where} concentration by cohort`);
}

for (const kind of ENGINES)
  describe(`${kind.name}: intervals computed in TypeScript equal the SQL bootstrap`, async () => {
    const { engine } = await ingestedSampleOn(kind, 3000, 41);
    const cube: Cube = await buildCube(engine);
    await createWeightsTable(engine, "test_paths_weights");
    /** The run the SQL oracles read a slice's result with. */
    const runOf = (result: MetricsResult, window: { tables: WindowTables }, filter: AcquisitionFilter) =>
      new MetricRun(
        engine,
        result.options,
        { ...cube.tables, ...window.tables },
        scopeOf(cube.facts, filter),
      );

    for (const horizon of [3, 6])
      it(`horizon ${horizon}: every filter and model`, async () => {
        let compared = 0;
        for (const filter of FILTERS) {
          const byModel = await sliceCube(cube, { horizon }, filter);
          const window = [...cube.windows.values()].at(-1)!;
          for (const model of ATTRIBUTIONS) {
            const result = byModel[model];
            const run = runOf(result, window, filter);
            const sql = await sqlIntervalStats(run, result.options.confidence, "test_paths_weights");
            assertSame(result.trust!.intervals, sql, `${JSON.stringify(filter)} ${model}`);
            await assertConcentration(run, result.trust!.concentration, `${JSON.stringify(filter)} ${model}`);
            compared +=
              result.trust!.intervals.bySource.length + result.trust!.intervals.romiBySourceLifetime.length;
          }
        }
        // The comparison is not vacuous: sources and ROMI cells were there to compare.
        assert.ok(compared > 50, `${compared} rows compared`);
      });
    // One read of the window's buyers serves every horizon: horizons the window's memory was not
    // built for, the shortest and one beyond most cohorts' age among them.
    it("concentration at horizons 1, 2, 4 and 9: every filter and model", async () => {
      let shares = 0;
      for (const horizon of [1, 2, 4, 9])
        for (const filter of [...FILTERS, { sources: ["2"], devices: ["desktop"] }]) {
          const byModel = await sliceCube(cube, { horizon }, filter);
          const window = [...cube.windows.values()].at(-1)!;
          for (const model of ATTRIBUTIONS) {
            const result = byModel[model];
            const run = runOf(result, window, filter);
            const where = `horizon ${horizon} ${JSON.stringify(filter)} ${model}`;
            await assertConcentration(run, result.trust!.concentration, where);
            shares += result.trust!.concentration.bySource.filter((r) => r.topPercentShare !== null).length;
          }
        }
      assert.equal(cube.windows.size, 1, "every horizon sliced one window");
      assert.ok(shares > 50, `${shares} top-share rows compared`);
    });
  });
