/**
 * Reproducibility: the same data gives the same bytes. Sums of DOUBLEs change in the last digit with
 * the order DuckDB's threads add them in, so the engine keeps sums exact (DECIMAL) until the end.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generateSample } from "../src/generate/index.ts";
import { ingest } from "../src/ingest/index.ts";
import { computeAllModels } from "../src/metrics/compute.ts";
import { freshEngine, tempDir } from "./helpers/temp.ts";

describe("metrics are reproducible to the last digit", () => {
  it("three runs under every attribution model give identical JSON", async () => {
    const dir = tempDir();
    await generateSample({ out: dir, users: 30_000, seed: 5 });
    const engine = await freshEngine();
    await ingest(engine, {
      visits: { path: `${dir}/visits_log_us.csv` },
      orders: { path: `${dir}/orders_log_us.csv` },
      costs: { path: `${dir}/costs_us.csv` },
    });
    const runs: string[] = [];
    for (let i = 0; i < 3; i++)
      runs.push(JSON.stringify(await computeAllModels(engine, { attribution: "linear" })));
    assert.equal(runs[1], runs[0]);
    assert.equal(runs[2], runs[0]);
  });
});
