/**
 * Reproducibility: the same data gives the same bytes. Sums of DOUBLEs change in the last digit with
 * the order DuckDB's threads add them in, so the engine keeps sums exact (DECIMAL) until the end.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeAllModels } from "../src/metrics/compute.ts";
import { ingestedSample } from "./helpers/sample.ts";

describe("metrics are reproducible to the last digit", () => {
  it("three runs under every attribution model give identical JSON", async () => {
    const { engine } = await ingestedSample(30_000, 5);
    const runs: string[] = [];
    for (let i = 0; i < 3; i++)
      runs.push(JSON.stringify(await computeAllModels(engine, { attribution: "linear" })));
    assert.equal(runs[1], runs[0]);
    assert.equal(runs[2], runs[0]);
  });
});
