/**
 * The intervals of a slice (metrics/intervals.ts: per-bucket sums from the cube, replicates in
 * TypeScript) and its concentration per source (one row per buyer of the window's cumulative table)
 * against the SQL paths they replaced (test/helpers/sql-bootstrap.ts: the weights as a
 * table joined by the engine, percentiles by the dialect's quantile), on a generated sample, for
 * filters with and without spend, every attribution model and two horizons, on every engine.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildCube, type Cube, scopeOf, sliceCube } from "../src/metrics/cube.ts";
import { ATTRIBUTIONS } from "../src/metrics/options.ts";
import { MetricRun } from "../src/metrics/query.ts";
import type { Interval, IntervalStats } from "../src/metrics/result.ts";
import { ENGINES, ingestedSampleOn } from "./helpers/engines.ts";
import { createWeightsTable, sqlIntervalStats } from "./helpers/sql-bootstrap.ts";
import { sqlSourceConcentration } from "./helpers/sql-concentration.ts";

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

for (const kind of ENGINES)
  describe(`${kind.name}: intervals computed in TypeScript equal the SQL bootstrap`, async () => {
    const { engine } = await ingestedSampleOn(kind, 3000, 41);
    const cube: Cube = await buildCube(engine);
    await createWeightsTable(engine, "test_paths_weights");

    for (const horizon of [3, 6])
      it(`horizon ${horizon}: every filter and model`, async () => {
        let compared = 0;
        for (const filter of FILTERS) {
          const byModel = await sliceCube(cube, { horizon }, filter);
          const window = [...cube.windows.values()].at(-1)!;
          for (const model of ATTRIBUTIONS) {
            const result = byModel[model];
            const run = new MetricRun(
              engine,
              result.options,
              { ...cube.tables, ...window.tables },
              scopeOf(cube.facts, filter),
            );
            const sql = await sqlIntervalStats(run, result.options.confidence, "test_paths_weights");
            assertSame(result.trust!.intervals, sql, `${JSON.stringify(filter)} ${model}`);
            // Concentration from the per-window cumulative table equals the per-request grouping.
            assert.deepEqual(
              result.trust!.concentration.bySource,
              await sqlSourceConcentration(run),
              `${JSON.stringify(filter)} ${model} concentration`,
            );
            compared +=
              result.trust!.intervals.bySource.length + result.trust!.intervals.romiBySourceLifetime.length;
          }
        }
        // The comparison is not vacuous: sources and ROMI cells were there to compare.
        assert.ok(compared > 50, `${compared} rows compared`);
      });
  });
