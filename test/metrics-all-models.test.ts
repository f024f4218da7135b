/**
 * computeAllModels builds the foundation once and re-attributes per model; each model's result must
 * equal a separate full computeMetrics run under that model, to the last digit.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generateSample } from "../src/generate/index.ts";
import { ingest } from "../src/ingest/index.ts";
import { computeAllModels, computeMetrics } from "../src/metrics/compute.ts";
import { ATTRIBUTIONS } from "../src/metrics/options.ts";
import { freshEngine, tempDir } from "./helpers/temp.ts";

describe("every model from one foundation = a full run per model", () => {
  for (const chosen of ATTRIBUTIONS) {
    it(`chosen ${chosen}`, async () => {
      const dir = tempDir();
      await generateSample({ out: dir, users: 4000, seed: 13 });
      const engine = await freshEngine();
      await ingest(engine, {
        visits: { path: `${dir}/visits_log_us.csv` },
        orders: { path: `${dir}/orders_log_us.csv` },
        costs: { path: `${dir}/costs_us.csv` },
      });
      const all = await computeAllModels(engine, { attribution: chosen, horizon: 4 });
      for (const model of ATTRIBUTIONS) {
        const alone = await computeMetrics(engine, { attribution: model, horizon: 4 });
        assert.deepEqual(all[model], alone, `${model} (chosen ${chosen})`);
      }
    });
  }
});
