/**
 * The budget plan's validation at full size, on the generated sample with planted diminishing returns
 * (`generate --plant-returns`, seed 1, default users): recovery of the planted elasticities, the
 * placebo rate (spend shuffled within months), the out-of-time MAPE (fit months 1-8, weekly new
 * buyers of months 9-12). The numbers quoted in README and docs/decisions.md come from here; the
 * tests check the same things with fewer shuffles and replicates.
 *
 *   node --import tsx bench/budget-validation.ts [--shuffles 50] [--replicates 200] [--seed 1]
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildBudgetPlan } from "../src/budget/budget-plan.ts";
import { outOfTimeCheck } from "../src/budget/out-of-time.ts";
import { shuffleSpendWithinMonths } from "../src/budget/placebo.ts";
import { planInputsOfMetrics } from "../src/budget/plan-inputs.ts";
import { DuckDbEngine } from "../src/engine/duckdb-engine.ts";
import { generateSample } from "../src/generate/index.ts";
import { ingest } from "../src/ingest/index.ts";
import { computeMetrics } from "../src/metrics/compute.ts";

const { values } = parseArgs({
  options: {
    shuffles: { type: "string", default: "50" },
    replicates: { type: "string", default: "200" },
    seed: { type: "string", default: "1" },
  },
});
const shuffles = Number(values.shuffles);
const replicates = Number(values.replicates);
const seed = Number(values.seed);

const dir = mkdtempSync(join(tmpdir(), "channelscope-budget-"));
try {
  await generateSample({ out: dir, seed, plantReturns: true });
  const truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8")) as {
    plantedReturns: { elasticity: { source: string; elasticity: number }[] };
  };
  const planted = new Map(truth.plantedReturns.elasticity.map((e) => [e.source, e.elasticity]));
  const engine = await DuckDbEngine.open({ path: ":memory:", threads: 2 });
  await ingest(engine, {
    visits: { path: join(dir, "visits_log_us.csv") },
    orders: { path: join(dir, "orders_log_us.csv") },
    costs: { path: join(dir, "costs_us.csv") },
  });
  const inputs = planInputsOfMetrics(await computeMetrics(engine, {})).inputs;
  await engine.close();

  const started = performance.now();
  const cpu = process.cpuUsage();
  const plan = buildBudgetPlan(inputs, { margin: 1, horizon: 6, replicates, seed: 1 });
  const planMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const planCpuS = (used.user + used.system) / 1e6;
  console.log(
    `Planted recovery (seed ${seed}, ${replicates} replicates, plan in ${(planMs / 1000).toFixed(1)} s wall, ${planCpuS.toFixed(1)} s CPU):`,
  );
  console.log("source | planted | fitted [90 %] | inside | decay | family | move | spend now -> proposed");
  for (const r of plan.rows) {
    const p = planted.get(r.source)!;
    const inside = r.elasticityLow <= p && p <= r.elasticityHigh;
    console.log(
      `${r.source} | ${p} | ${r.elasticity.toFixed(3)} [${r.elasticityLow.toFixed(3)}, ${r.elasticityHigh.toFixed(3)}] | ${inside ? "yes" : "NO"} | ${r.curve.adstockDecay} | ${r.curve.family} | ${r.move} | ${r.spendNow.toFixed(0)} -> ${r.spendProposed.toFixed(0)}`,
    );
  }
  console.log(
    `verdict ${plan.verdict} (${plan.reason}); Δ buyers ${plan.deltaBuyers.value.toFixed(1)} [${plan.deltaBuyers.low.toFixed(1)}, ${plan.deltaBuyers.high.toFixed(1)}] per month; Δ revenue ${plan.deltaRevenue.value.toFixed(0)} [${plan.deltaRevenue.low.toFixed(0)}, ${plan.deltaRevenue.high.toFixed(0)}]; equal-return p ${plan.equalReturnTest?.pValue.toExponential(2)}`,
  );

  let moves = 0;
  let covered = 0;
  let intervals = 0;
  const perSource = new Map<string, number>();
  for (let k = 0; k < shuffles; k++) {
    let state = 0x9e3779b9 ^ (k * 2654435761);
    const rand = (): number => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const shuffled = inputs.map((s) => ({ ...s, daily: shuffleSpendWithinMonths(s.daily, rand) }));
    const p = buildBudgetPlan(shuffled, { margin: 1, horizon: 6, replicates, seed: 100 + k });
    if (p.verdict === "move") moves++;
    for (const r of p.rows) {
      intervals++;
      const inside = r.elasticityLow <= 0 && 0 <= r.elasticityHigh;
      if (inside) {
        covered++;
        perSource.set(r.source, (perSource.get(r.source) ?? 0) + 1);
      }
    }
    if (process.env.VERBOSE) {
      console.log(
        k,
        p.verdict,
        p.reason,
        p.equalReturnTest?.pValue.toFixed(3),
        p.rows
          .map(
            (r) =>
              `${r.source}:${r.move}:${r.elasticity.toFixed(2)}[${r.elasticityLow.toFixed(2)},${r.elasticityHigh.toFixed(2)}]`,
          )
          .join(" "),
      );
    }
  }
  console.log(
    `Placebo (${shuffles} shuffles): no move in ${shuffles - moves} (${((100 * (shuffles - moves)) / shuffles).toFixed(0)} %); elasticity intervals contain 0 in ${covered} of ${intervals} (${((100 * covered) / intervals).toFixed(0)} %); per source ${[...perSource].map(([s, n]) => `${s}: ${n}`).join(", ")}`,
  );

  console.log("Out of time (fit 2017-06..2018-01, weekly new buyers 2018-02..2018-05):");
  console.log("source | buyers/week | MAPE carried (spend-blind) | MAPE level known (spend-blind)");
  for (const input of inputs) {
    const c = outOfTimeCheck(input.daily, 8);
    const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
    console.log(
      `${input.source} | ${c.meanWeeklyBuyers.toFixed(0)}${c.meanWeeklyBuyers < 30 ? " (< 30: not judged)" : ""} | ${pct(c.mape.carried)} (${pct(c.mape.carriedSpendBlind)}) | ${pct(c.mape.levelKnown)} (${pct(c.mape.levelKnownSpendBlind)})`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
