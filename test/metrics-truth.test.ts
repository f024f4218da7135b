/**
 * Planted truth: on generated data the engine must recover the parameters the generator planted
 * (truth.json) within sampling error: conversion per acquisition source, and CAC per source, which the
 * generator makes cost per acquired user / conversion.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { computeMetrics } from "../src/metrics/index.ts";
import { normalizeOptions, readDataBounds } from "../src/metrics/options.ts";
import { ingestedSample } from "./helpers/sample.ts";

interface PlantedSource {
  id: string;
  conversion: number;
  costPerUser: number;
  hasCosts: boolean;
}

describe("the engine recovers the planted truth", async () => {
  const { engine, dir } = await ingestedSample(40_000, 21);
  const truth = JSON.parse(readFileSync(`${dir}/truth.json`, "utf8")) as { sources: PlantedSource[] };
  const result = await computeMetrics(engine, normalizeOptions({}, await readDataBounds(engine)));
  const bySource = new Map(result.tables.by_source.map((r) => [r.source, r]));

  it("conversion of each acquisition source, within 4 standard errors", () => {
    for (const planted of truth.sources) {
      const row = bySource.get(planted.id);
      assert.ok(row && row.users > 0, `source ${planted.id} present`);
      const p = planted.conversion;
      const tolerance = 4 * Math.sqrt((p * (1 - p)) / row.users);
      assert.ok(
        Math.abs(row.conversion_rate! - p) <= tolerance,
        `source ${planted.id}: measured ${row.conversion_rate}, planted ${p} ± ${tolerance.toFixed(4)}`,
      );
    }
  });

  it("CAC of each paid source is cost per user / conversion, within sampling error", () => {
    for (const planted of truth.sources.filter((s) => s.hasCosts)) {
      const row = bySource.get(planted.id)!;
      assert.equal(typeof row.cac, "number", `source ${planted.id} has a CAC`);
      const expected = planted.costPerUser / planted.conversion;
      // Buyers are binomial (relative error ~ 1/sqrt(buyers)); daily costs carry a few % of noise.
      const tolerance = 4 / Math.sqrt(row.buyers) + 0.05;
      const relative = Math.abs((row.cac as number) - expected) / expected;
      assert.ok(
        relative <= tolerance,
        `source ${planted.id}: CAC ${row.cac}, planted ${expected.toFixed(3)}`,
      );
    }
  });

  it("sources without spend show no CAC, never 0", () => {
    for (const planted of truth.sources.filter((s) => !s.hasCosts)) {
      assert.equal(bySource.get(planted.id)?.cac, "no_spend");
    }
  });
});
