/**
 * The LTV forecast's rolling-origin backtest (`channelscope backtest`) on many generated samples: the
 * guard against a forecast tuned to the one real dataset. The generator's buyers repeat by a process
 * of its own (profile.ts, REPEAT_ORDERS), not by a power curve, so this also measures how the model
 * fares when its shape is only an approximation. Cases are pooled over seeds; the numbers quoted in
 * README and docs/decisions.md ("Forecasts") come from here; test/forecast-generated.test.ts runs
 * three small seeds. Both forecast models are scored side by side (the buyer-level one on each
 * sample's own buyers), each on the cases it can forecast; the baseline on the same cases as the model.
 *
 *   node --import tsx bench/backtest-generated.ts [--seeds 24] [--users 60000] [--first-seed 1]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { backtest } from "../src/backtest.ts";
import { DuckDbEngine } from "../src/engine/duckdb-engine.ts";
import type { BacktestCase } from "../src/forecast/backtest.ts";
import { generateSample } from "../src/generate/index.ts";

const { values } = parseArgs({
  options: {
    seeds: { type: "string", default: "24" },
    users: { type: "string", default: "60000" },
    "first-seed": { type: "string", default: "1" },
  },
});
const seeds = Number(values.seeds);
const users = Number(values.users);
const firstSeed = Number(values["first-seed"]);

const cases: BacktestCase[] = [];
for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
  const dir = mkdtempSync(join(tmpdir(), "channelscope-backtest-"));
  const engine = await DuckDbEngine.open({ path: ":memory:", threads: 2 });
  try {
    await generateSample({ out: dir, users, seed });
    // Orders only: the buyer-cohort LTV matrix needs no sessions; the window is the generated year.
    const run = await backtest(
      engine,
      { orders: { path: join(dir, "orders_log_us.csv") } },
      { from: "2017-06-01", to: "2018-06-01", horizon: 6 },
    );
    cases.push(...run.result.cases);
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
console.log(
  `Backtest of LTV at 6 months on ${seeds} generated samples of ${users} users (seeds ${firstSeed}..)`,
);
console.log("model        observed  cases  unscored  MAPE     bias     80 % cover         no-growth MAPE");
const models = [
  { name: "power-curve", of: (c: BacktestCase) => [c.forecast, c.low, c.high] as const },
  { name: "buyer-level", of: (c: BacktestCase) => [c.buyerForecast, c.buyerLow, c.buyerHigh] as const },
];
for (const m of [1, 2, 3, null]) {
  for (const model of models) {
    const own = cases.filter((c) => m === null || c.observedMonths === m);
    const scored = own.filter((c) => model.of(c)[0] !== null);
    const errors = scored.map((c) => (model.of(c)[0]! - c.actual) / c.actual);
    const naive = scored.map((c) => Math.abs(c.naive - c.actual) / c.actual);
    const withInterval = scored.filter((c) => model.of(c)[1] !== null && model.of(c)[2] !== null);
    const inside = withInterval.filter(
      (c) => c.actual >= model.of(c)[1]! && c.actual <= model.of(c)[2]!,
    ).length;
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    console.log(
      `${model.name.padEnd(12)} ${String(m ?? "all").padEnd(9)} ${String(scored.length).padStart(5)}  ${String(own.length - scored.length).padStart(8)}  ${pct(mean(errors.map(Math.abs))).padEnd(8)} ${pct(mean(errors)).padEnd(8)} ${`${pct(inside / withInterval.length)} (${inside}/${withInterval.length})`.padEnd(18)} ${pct(mean(naive))}`,
    );
  }
}
