/**
 * computeAllModels builds the foundation once and re-attributes per model; each model's result must
 * equal a separate full computeMetrics run under that model, to the last digit on DuckDB. ClickHouse
 * sums floats on several threads in an order that varies from run to run, so there the bootstrap's
 * interval bounds may differ in the last digits (seen: 1e-14 relative): counts and text must still be
 * equal, other numbers within 1e-9 relative.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeAllModels, computeMetrics } from "../src/metrics/compute.ts";
import { ATTRIBUTIONS } from "../src/metrics/options.ts";
import { ENGINES, ingestedSampleOn } from "./helpers/engines.ts";
import { jsonDifferences } from "./helpers/json-differences.ts";

for (const kind of ENGINES)
  describe(`every model from one foundation = a full run per model (${kind.name})`, () => {
    for (const chosen of ATTRIBUTIONS) {
      it(`chosen ${chosen}`, async () => {
        const { engine } = await ingestedSampleOn(kind, 4000, 13);
        const all = await computeAllModels(engine, { attribution: chosen, horizon: 4 });
        for (const model of ATTRIBUTIONS) {
          const alone = await computeMetrics(engine, { attribution: model, horizon: 4 });
          if (kind.name === "duckdb") assert.deepEqual(all[model], alone, `${model} (chosen ${chosen})`);
          else assert.deepEqual(jsonDifferences(all[model], alone), [], `${model} (chosen ${chosen})`);
        }
      });
    }
  });
