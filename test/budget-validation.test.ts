import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, test } from "node:test";
import { allocate } from "../src/budget/allocate.ts";
import { buildBudgetPlan, type SourceInput } from "../src/budget/budget-plan.ts";
import { outOfTimeCheck } from "../src/budget/out-of-time.ts";
import { shuffleSpendWithinMonths } from "../src/budget/placebo.ts";
import { planInputsOfMetrics } from "../src/budget/plan-inputs.ts";
import { generateSample } from "../src/generate/index.ts";
import { ingest } from "../src/ingest/index.ts";
import { computeMetrics } from "../src/metrics/compute.ts";
import { mulberry32 } from "./helpers/prng.ts";
import { freshEngine, tempDir } from "./helpers/temp.ts";

/*
 * The validation on the generated sample with planted diminishing returns (default size, seed
 * 1): recovery of the planted elasticities, the plan's direction, a placebo with spend shuffled
 * within months, and an out-of-time check. The full-size numbers (more shuffles and replicates) come
 * from bench/budget-validation.ts; here the CPU is kept modest.
 */

let inputs: SourceInput[];
let planted: Map<string, number>;

before(async () => {
  const dir = tempDir();
  await generateSample({ out: dir, seed: 1, plantReturns: true });
  const engine = await freshEngine();
  await ingest(engine, {
    visits: { path: `${dir}/visits_log_us.csv` },
    orders: { path: `${dir}/orders_log_us.csv` },
    costs: { path: `${dir}/costs_us.csv` },
  });
  const metrics = await computeMetrics(engine, {});
  // The product's path: the value of a buyer from the LTV forecast (young cohorts included).
  inputs = planInputsOfMetrics(metrics).inputs;
  const truth = JSON.parse(readFileSync(`${dir}/truth.json`, "utf8")) as {
    plantedReturns: { elasticity: { source: string; elasticity: number }[] };
  };
  planted = new Map(truth.plantedReturns.elasticity.map((e) => [e.source, e.elasticity]));
});

describe("budget plan on planted returns", () => {
  test("every fitted elasticity's 90 % interval holds the planted one; the plan moves the planted way", (t) => {
    const plan = buildBudgetPlan(inputs, { margin: 1, horizon: 6, replicates: 120, seed: 1 });
    for (const r of plan.rows) {
      t.diagnostic(
        `source ${r.source}: elasticity ${r.elasticity.toFixed(3)} [${r.elasticityLow.toFixed(3)}, ${r.elasticityHigh.toFixed(3)}] planted ${planted.get(r.source)}, ${r.move}, ${r.spendNow.toFixed(0)} -> ${r.spendProposed.toFixed(0)}`,
      );
    }
    assert.deepEqual(
      plan.rows.map((r) => r.source),
      [...planted.keys()],
    );
    for (const r of plan.rows) {
      const truth = planted.get(r.source)!;
      assert.ok(
        r.elasticityLow <= truth && truth <= r.elasticityHigh,
        `source ${r.source}: planted ${truth} outside [${r.elasticityLow}, ${r.elasticityHigh}]`,
      );
    }
    // The plan the planted elasticities call for, on the same basis (spend, buyers, value now).
    const truePlan = allocate(
      plan.rows.map((r) => ({
        spendNow: r.spendNow,
        buyersNow: r.buyersNow,
        elasticity: planted.get(r.source)!,
        value: r.revenuePerBuyer,
        lo: r.spendNow * 0.7,
        hi: r.spendNow * 1.3,
      })),
      plan.budgetNow,
    );
    // Every move the plan makes goes the planted way, and it makes at least one up and one down.
    plan.rows.forEach((r, i) => {
      const made = Math.sign(r.spendProposed - r.spendNow);
      if (made !== 0)
        assert.equal(made, Math.sign(truePlan[i]! - r.spendNow), `direction of source ${r.source}`);
    });
    assert.ok(plan.rows.some((r) => r.move === "up") && plan.rows.some((r) => r.move === "down"));
    assert.equal(plan.verdict, "move");
    const total = plan.rows.reduce((s, r) => s + r.spendProposed, 0);
    assert.ok(Math.abs(total - plan.budgetNow) < 1e-6 * plan.budgetNow, "total spend conserved");
  });

  test("placebo: with spend shuffled within months the plan recommends no move", () => {
    const shuffles = 6;
    let moves = 0;
    for (let k = 0; k < shuffles; k++) {
      const rand = mulberry32(1000 + k);
      const shuffled = inputs.map((s) => ({ ...s, daily: shuffleSpendWithinMonths(s.daily, rand) }));
      const plan = buildBudgetPlan(shuffled, { margin: 1, horizon: 6, replicates: 60, seed: k });
      if (plan.verdict === "move") moves++;
    }
    assert.ok(moves <= 1, `${moves} of ${shuffles} placebo plans recommended a move`);
  });

  test("out of time: fit on 8 months, weekly new buyers of months 9-12 predicted better with spend than without", (t) => {
    for (const input of inputs) {
      const check = outOfTimeCheck(input.daily, 8);
      t.diagnostic(
        `source ${input.source}: ${check.meanWeeklyBuyers.toFixed(0)} buyers/week, MAPE ${JSON.stringify(check.mape)}`,
      );
      if (check.meanWeeklyBuyers < 30) continue;
      assert.ok(check.mape.levelKnown < 0.2, `source ${input.source}: MAPE ${check.mape.levelKnown}`);
      assert.ok(
        check.mape.levelKnown <= check.mape.levelKnownSpendBlind,
        `source ${input.source}: spend does not help (${check.mape.levelKnown} vs ${check.mape.levelKnownSpendBlind})`,
      );
    }
  });
});
