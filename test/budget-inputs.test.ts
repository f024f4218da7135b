import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { before, describe, test } from "node:test";
import { planOfMetrics } from "../src/budget/plan-document.ts";
import { planInputs, planInputsOfMetrics } from "../src/budget/plan-inputs.ts";
import { generateSample } from "../src/generate/index.ts";
import { ingest } from "../src/ingest/index.ts";
import { budgetFinding } from "../src/insights/budget-sentence.ts";
import { computeMetrics } from "../src/metrics/compute.ts";
import type { MetricsResult } from "../src/metrics/result.ts";
import { runContext } from "../src/presentation.ts";
import { freshEngine, tempDir } from "./helpers/temp.ts";

/*
 * The plan's input table against independent sums: spend per source and day against the costs file
 * read here, and credited new buyers per source against by_source, under first-touch and linear.
 * Plus the generator's planting: deterministic, documented in truth.json, off by default.
 */

const dir = tempDir();
const results = new Map<string, MetricsResult>();

before(async () => {
  await generateSample({ out: dir, users: 20_000, seed: 4, plantReturns: true });
  const engine = await freshEngine();
  await ingest(engine, {
    visits: { path: `${dir}/visits_log_us.csv` },
    orders: { path: `${dir}/orders_log_us.csv` },
    costs: { path: `${dir}/costs_us.csv` },
  });
  for (const attribution of ["first-touch", "linear"] as const) {
    results.set(attribution, await computeMetrics(engine, { attribution }));
  }
});

describe("daily acquisition (the plan's input)", () => {
  test("spend per source and day equals the costs file; a day without a row is null", () => {
    const table = results.get("first-touch")!.acquisitionDaily!;
    const rows = readFileSync(`${dir}/costs_us.csv`, "utf8").trimEnd().split("\n").slice(1);
    const file = new Map(rows.map((r) => r.split(",")).map(([s, d, c]) => [`${s} ${d}`, Number(c)]));
    assert.equal(table.days.length, 365);
    let nulls = 0;
    for (const s of table.sources) {
      for (const d of s.daily) {
        const expected = file.get(`${s.source} ${d.day}`);
        if (expected === undefined) {
          assert.equal(d.spend, null, `${s.source} ${d.day}`);
          nulls++;
        } else assert.ok(Math.abs(d.spend! - expected) < 1e-9, `${s.source} ${d.day}`);
      }
    }
    assert.equal(nulls, 6, "the planted missing day of 6 sources");
    assert.deepEqual(
      table.sources.map((s) => s.source),
      ["1", "2", "3", "4", "5", "9", "10"],
    );
  });

  for (const attribution of ["first-touch", "linear"]) {
    test(`${attribution}: credited new buyers per source sum to by_source's buyers`, () => {
      const m = results.get(attribution)!;
      for (const s of m.acquisitionDaily!.sources) {
        const row = m.tables.by_source.find((r) => r.source === s.source)!;
        const sum = s.daily.reduce((a, d) => a + d.newBuyers, 0);
        assert.ok(Math.abs(sum - row.buyers) < 1e-6, `source ${s.source}: ${sum} vs ${row.buyers}`);
        assert.ok(s.matureBuyers <= sum + 1e-9 && s.matureRevenueH >= 0);
      }
    });
  }
});

describe("value of a new buyer (the plan's revenue per buyer)", () => {
  test("restricted to observed cohorts, the forecast path gives the mature cohorts' observed value", () => {
    const m = results.get("first-touch")!;
    const observedOnly = {
      ...m,
      trust: {
        ...m.trust!,
        forecast: { ...m.trust!.forecast, romi: m.trust!.forecast.romi.filter((r) => r.observed) },
      },
    };
    const { inputs, value } = planInputsOfMetrics(observedOnly);
    const plain = planInputs(m.acquisitionDaily!);
    assert.equal(inputs.length, plain.length);
    for (const [i, input] of inputs.entries()) {
      assert.equal(value[i]!.basis, "forecast");
      assert.equal(value[i]!.forecastShare, 0);
      const expected = plain[i]!.revenuePerBuyer!;
      assert.ok(
        Math.abs(input.revenuePerBuyer! - expected) < 1e-9 * expected,
        `${input.source}: ${input.revenuePerBuyer} vs ${expected}`,
      );
    }
  });

  test("with the forecast, young cohorts are valued too, from ROMI(c, H-1) x spend / margin by hand", () => {
    const m = results.get("first-touch")!;
    const { inputs, value } = planInputsOfMetrics(m);
    const h = m.options.horizon;
    for (const [i, input] of inputs.entries()) {
      let revenue = 0;
      let buyers = 0;
      let young = 0;
      for (const c of m.marketing.cacBySourceCohort.filter((c) => c.source === input.source)) {
        const r = m.trust!.forecast.romi.find(
          (x) => x.source === c.source && x.cohort === c.cohort && x.lifetime === h - 1,
        );
        if (!r || r.romi === null || !(c.costs > 0) || !(c.newBuyers > 0)) continue;
        revenue += (r.romi * c.costs) / m.options.margin;
        buyers += c.newBuyers;
        if (!r.observed) young += c.newBuyers;
      }
      assert.ok(young > 0, `source ${input.source} has young cohorts in a 12-month window at H = ${h}`);
      assert.ok(Math.abs(input.revenuePerBuyer! - revenue / buyers) < 1e-9 * (revenue / buyers));
      assert.ok(Math.abs(value[i]!.forecastShare - young / buyers) < 1e-12);
    }
  });

  test("without trust numbers (no forecast) the value falls back to the mature cohorts", () => {
    const m = results.get("first-touch")!;
    const { inputs, value } = planInputsOfMetrics({ ...m, trust: undefined });
    assert.deepEqual(inputs, planInputs(m.acquisitionDaily!));
    assert.ok(value.every((v) => v.basis === "mature"));
  });
});

describe("generator: planted returns", () => {
  test("truth.json documents the planting; the same seed gives the same files", async () => {
    const truth = JSON.parse(readFileSync(`${dir}/truth.json`, "utf8")) as {
      plantedReturns: { adstockDecay: number; elasticity: { source: string; elasticity: number }[] };
    };
    assert.equal(truth.plantedReturns.adstockDecay, 0.25);
    assert.deepEqual(
      truth.plantedReturns.elasticity.map((e) => e.source),
      ["1", "2", "3", "4", "5", "9", "10"],
    );
    const again = tempDir();
    await generateSample({ out: again, users: 20_000, seed: 4, plantReturns: true });
    for (const f of ["visits_log_us.csv", "orders_log_us.csv", "costs_us.csv", "truth.json"]) {
      assert.ok(readFileSync(`${again}/${f}`).equals(readFileSync(`${dir}/${f}`)), f);
    }
  });

  test("without the flag truth.json has no planting and spend follows users", async () => {
    const plain = tempDir();
    await generateSample({ out: plain, users: 5_000, seed: 4 });
    const truth = JSON.parse(readFileSync(`${plain}/truth.json`, "utf8")) as Record<string, unknown>;
    assert.equal("plantedReturns" in truth, false);
  });
});

const AFISHA =
  process.env.CHANNELSCOPE_AFISHA ?? new URL("../../shared/data/afisha/", import.meta.url).pathname;

describe("the plan on the real Afisha orders and costs (no sessions)", {
  skip: !existsSync(`${AFISHA}/orders_log_us.csv`) && "no ../shared",
}, async () => {
  const window = { from: "2017-06-01", to: "2018-06-01" };
  const engine = await freshEngine();
  await ingest(
    engine,
    { orders: { path: `${AFISHA}/orders_log_us.csv` }, costs: { path: `${AFISHA}/costs_us.csv` } },
    window,
  );
  const metrics = await computeMetrics(engine, { ...window, horizon: 6 });

  test("every paid source has a year of spend but no credited buyer: no move, and the sentence says why", () => {
    const days = metrics.acquisitionDaily!.sources.map((s) => s.daily.filter((d) => d.spend !== null).length);
    assert.deepEqual(
      metrics.acquisitionDaily!.sources.map((s) => s.source),
      ["1", "2", "3", "4", "5", "9", "10"],
    );
    assert.ok(
      days.every((n) => n >= 363),
      `days with a cost row: ${days}`,
    );
    const plan = planOfMetrics(metrics, { budget: null, bounds: 0.3 })!;
    assert.equal(plan.verdict, "no_move");
    assert.equal(plan.reason, "fewer_than_two_sources");
    assert.ok(plan.skipped.every((k) => k.reason === "too_few_buyers"));
    const text = budgetFinding(plan, metrics, runContext(metrics.options, "en"))[0]!.text;
    assert.match(
      text,
      /^The data cannot support moving budget.*Not modelled: source 1 \(fewer than 50 new buyers\);/,
    );
    assert.match(budgetFinding(plan, metrics, runContext(metrics.options, "ru"))[0]!.text, /не позволяют/);
  });
});
