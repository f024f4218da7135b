import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type AllocationCurve, allocate, marginalValue } from "../src/budget/allocate.ts";
import { buildBudgetPlan, type SourceInput } from "../src/budget/budget-plan.ts";
import { chiSquareCdf } from "../src/budget/chi-square.ts";
import { shuffleSpendWithinMonths } from "../src/budget/placebo.ts";
import { normalizePlanOptions } from "../src/budget/plan-options.ts";
import { type DailyAcquisition, fitResponseCurve } from "../src/budget/response-curve.ts";
import { weekBlockReplicates } from "../src/budget/week-blocks.ts";
import { OptionsError } from "../src/metrics/options.ts";
import { mulberry32 } from "./helpers/prng.ts";

const close = (a: number, b: number, tol: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tolerance ${tol})`);

/** 365 days from 2017-06-01. */
const DAYS = Array.from({ length: 365 }, (_, i) =>
  new Date(Date.UTC(2017, 5, 1) + i * 86_400_000).toISOString().slice(0, 10),
);
const SEASON = [0.7, 0.7, 0.6, 0.9, 1.3, 1.4, 1.3, 1.1, 1.1, 1, 0.8, 0.8];

/**
 * A source whose daily buyers are Poisson(base * season(month) * (spend / level)^elasticity), spend
 * = level * season * lognormal(0, 0.4): monthly spend follows demand (so months must absorb it), day
 * to day it varies independently.
 */
function plantedSource(
  seed: number,
  source: string,
  opts: { elasticity: number; buyersPerDay: number; spendPerDay: number },
): SourceInput {
  const rand = mulberry32(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
  const daily: DailyAcquisition[] = DAYS.map((day) => {
    const month = (Number(day.slice(0, 4)) - 2017) * 12 + Number(day.slice(5, 7)) - 6;
    const season = SEASON[month]!;
    const ratio = Math.exp(0.4 * normal() - 0.08);
    const spend = Math.round(opts.spendPerDay * season * ratio * 100) / 100;
    const mean = opts.buyersPerDay * season * ratio ** opts.elasticity;
    return { day, spend, newBuyers: poisson(mean, rand) };
  });
  return { source, daily, revenuePerBuyer: 10 };
}

function poisson(mean: number, rand: () => number): number {
  if (mean > 30)
    return Math.max(
      0,
      Math.round(
        mean + Math.sqrt(mean) * Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand()),
      ),
    );
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rand();
  while (p > limit) {
    k++;
    p *= rand();
  }
  return k;
}

describe("chi-square", () => {
  test("known quantiles", () => {
    close(chiSquareCdf(3.841459, 1), 0.95, 1e-6, "df 1");
    close(chiSquareCdf(12.591587, 6), 0.95, 1e-6, "df 6");
    close(chiSquareCdf(2, 2), 1 - Math.exp(-1), 1e-12, "df 2 closed form");
    close(chiSquareCdf(40, 10), 1 - 1.6944e-5, 1e-8, "df 10 upper tail");
  });
});

describe("response curve", () => {
  test("recovers a planted elasticity within its 90 % interval; month effects absorb seasonal spend", () => {
    const source = plantedSource(5, "a", { elasticity: 0.4, buyersPerDay: 15, spendPerDay: 100 });
    const curve = fitResponseCurve(source.daily, { replicates: weekBlockReplicates(DAYS, 100, 1) });
    assert.ok(
      curve.elasticityLow < 0.4 && 0.4 < curve.elasticityHigh,
      `0.4 in [${curve.elasticityLow}, ${curve.elasticityHigh}]`,
    );
    close(curve.elasticity, 0.4, 0.1, "point estimate");
    assert.equal(curve.adstockDecay, 0, "no carryover was planted");
    assert.equal(curve.daysUsed, 365);
  });

  test("a missing cost row is left out, not read as zero", () => {
    const source = plantedSource(6, "a", { elasticity: 0.3, buyersPerDay: 10, spendPerDay: 100 });
    const daily = source.daily.map((d, i) => (i === 40 ? { ...d, spend: null } : d));
    const curve = fitResponseCurve(daily, { replicates: weekBlockReplicates(DAYS, 20, 1) });
    assert.equal(curve.daysLeftOut.noCostRow, 1);
    assert.equal(curve.daysUsed, 364);
  });
});

describe("allocation", () => {
  const curves: AllocationCurve[] = [
    { spendNow: 1000, buyersNow: 100, elasticity: 0.6, value: 20, lo: 700, hi: 1300 },
    { spendNow: 2000, buyersNow: 120, elasticity: 0.2, value: 15, lo: 1400, hi: 2600 },
    { spendNow: 500, buyersNow: 40, elasticity: 0.45, value: 25, lo: 350, hi: 650 },
  ];
  test("conserves the budget, respects bounds and equalises marginal value on interior sources", () => {
    for (const budget of [2450, 3000, 3500, 4200, 4550]) {
      const s = allocate(curves, budget);
      close(
        s.reduce((a, b) => a + b, 0),
        budget,
        1e-6,
        "total",
      );
      for (const [i, v] of s.entries()) {
        assert.ok(v >= curves[i]!.lo - 1e-9 && v <= curves[i]!.hi + 1e-9, `bounds ${i}`);
      }
      const interior = s
        .map((v, i) => ({ v, i }))
        .filter(({ v, i }) => v > curves[i]!.lo + 1e-6 && v < curves[i]!.hi - 1e-6);
      const mv = interior.map(({ v, i }) => marginalValue(curves[i]!, v));
      for (const m of mv) close(m, mv[0]!, 1e-6 * mv[0]!, "equal marginal value");
    }
  });

  test("an independent grid search finds no better allocation", () => {
    const budget = 3500;
    const s = allocate(curves, budget);
    const value = (x: number[]): number =>
      x.reduce(
        (acc, v, i) =>
          acc + curves[i]!.value * curves[i]!.buyersNow * (v / curves[i]!.spendNow) ** curves[i]!.elasticity,
        0,
      );
    let best = Number.NEGATIVE_INFINITY;
    for (let a = 700; a <= 1300; a += 5) {
      for (let c = 350; c <= 650; c += 5) {
        const b = budget - a - c;
        if (b < 1400 || b > 2600) continue;
        best = Math.max(best, value([a, b, c]));
      }
    }
    assert.ok(value(s) >= best - 1e-9, `${value(s)} ≥ grid best ${best}`);
  });

  test("a budget outside the bounds is refused with the range", () => {
    assert.throws(() => allocate(curves, 10_000), /outside what the bounds allow \(2450 to 4550\)/);
  });
});

describe("budget plan", () => {
  const planted = [
    plantedSource(21, "1", { elasticity: 0.7, buyersPerDay: 12, spendPerDay: 60 }),
    plantedSource(22, "2", { elasticity: 0.15, buyersPerDay: 20, spendPerDay: 200 }),
    plantedSource(23, "3", { elasticity: 0.45, buyersPerDay: 8, spendPerDay: 80 }),
  ];
  const options = { margin: 1, horizon: 6, replicates: 120, seed: 3 };

  test("moves budget towards the high-return source, conserves spend and is deterministic", () => {
    const plan = buildBudgetPlan(planted, options);
    const bySource = new Map(plan.rows.map((r) => [r.source, r]));
    assert.ok(bySource.get("1")!.spendProposed > bySource.get("1")!.spendNow);
    assert.ok(bySource.get("2")!.spendProposed < bySource.get("2")!.spendNow);
    close(
      plan.rows.reduce((s, r) => s + r.spendProposed, 0),
      plan.budgetNow,
      1e-6,
      "spend conserved",
    );
    for (const r of plan.rows) {
      assert.ok(r.spendProposed <= r.spendNow * 1.3 + 1e-9 && r.spendProposed >= r.spendNow * 0.7 - 1e-9);
    }
    assert.equal(plan.verdict, "move", `reason ${plan.reason}`);
    assert.ok(plan.gain.low > 0);
    const again = buildBudgetPlan(planted, options);
    assert.deepEqual(
      again.rows.map((r) => [r.spendProposed, r.deltaBuyersLow, r.elasticityHigh]),
      plan.rows.map((r) => [r.spendProposed, r.deltaBuyersLow, r.elasticityHigh]),
    );
  });

  test("placebo: spend shuffled within months gives no move", () => {
    let moves = 0;
    let covered = 0;
    let total = 0;
    const shuffles = 8;
    for (let k = 0; k < shuffles; k++) {
      const rand = mulberry32(100 + k);
      const shuffled = planted.map((s) => ({ ...s, daily: shuffleSpendWithinMonths(s.daily, rand) }));
      const plan = buildBudgetPlan(shuffled, { ...options, replicates: 80 });
      if (plan.verdict === "move") moves++;
      for (const r of plan.rows) {
        if (process.env.DIAG)
          console.log(
            k,
            r.source,
            r.elasticity.toFixed(3),
            r.elasticityLow.toFixed(3),
            r.elasticityHigh.toFixed(3),
            r.curve.elasticitySe.toFixed(3),
            r.curve.adstockDecay,
            r.curve.family,
            plan.reason,
            plan.equalReturnTest?.pValue.toFixed(3),
          );
        total++;
        if (r.elasticityLow <= 0 && r.elasticityHigh >= 0) covered++;
      }
    }
    assert.ok(moves <= 1, `${moves} of ${shuffles} placebo plans recommended a move`);
    assert.ok(covered / total >= 0.75, `intervals contain 0 in ${covered} of ${total}`);
  });
});

describe("plan options", () => {
  test("budget and bounds are read like the other options, with errors a user can act on", () => {
    assert.deepEqual(normalizePlanOptions({}), { budget: null, bounds: 0.3 });
    assert.deepEqual(normalizePlanOptions({ budget: "25000", bounds: "20%" }), {
      budget: 25000,
      bounds: 0.2,
    });
    assert.deepEqual(normalizePlanOptions({ Budget: 100, BOUNDS: 0.5 }), { budget: 100, bounds: 0.5 });
    assert.throws(
      () => normalizePlanOptions({ budget: "lots", bounds: "1.5" }),
      (e: unknown) =>
        e instanceof OptionsError &&
        e.problems.length === 2 &&
        /invalid budget: "lots" \(expected an amount per month/.test(e.problems[0]!) &&
        /invalid bounds: "1.5" \(expected a share between 0 and 1/.test(e.problems[1]!),
    );
  });
});
