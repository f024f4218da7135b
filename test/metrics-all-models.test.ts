/**
 * computeAllModels builds the foundation once and re-attributes per model; each model's result must
 * equal a separate full computeMetrics run under that model, to the last digit.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeAllModels, computeMetrics } from "../src/metrics/compute.ts";
import { ATTRIBUTIONS } from "../src/metrics/options.ts";
import { ENGINES, ingestedSampleOn } from "./helpers/engines.ts";

for (const kind of ENGINES)
  describe(`every model from one foundation = a full run per model (${kind.name})`, () => {
    for (const chosen of ATTRIBUTIONS) {
      it(`chosen ${chosen}`, async () => {
        const { engine } = await ingestedSampleOn(kind, 4000, 13);
        const all = await computeAllModels(engine, { attribution: chosen, horizon: 4 });
        for (const model of ATTRIBUTIONS) {
          const alone = await computeMetrics(engine, { attribution: model, horizon: 4 });
          assert.deepEqual(all[model], alone, `${model} (chosen ${chosen})`);
        }
      });
    }
  });
