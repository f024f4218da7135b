import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BacktestModels } from "../backtest.ts";
import { type BacktestResult, type BacktestSummary, largestMisses } from "../forecast/backtest.ts";
import { UsageError } from "./errors.ts";
import { INPUT_FLAGS, type InputFlags, openEngine, resolveInputs } from "./inputs.ts";

export const backtestFlags = {
  ...INPUT_FLAGS,
  out: { type: "string" },
  horizon: { type: "string" },
  margin: { type: "string" },
  observed: { type: "string" },
  "from-cohort": { type: "string" },
  "to-cohort": { type: "string" },
  "forecast-model": { type: "string" },
} as const;

export const backtestHelp = `channelscope backtest --orders O [--visits V] [--from YYYY-MM-DD --to YYYY-MM-DD] [--out DIR]
    [--horizon 6] [--margin 1] [--observed 1,2,3] [--from-cohort YYYY-MM] [--to-cohort YYYY-MM]
    [--forecast-model power|buyer]
  Rolling-origin backtest of the LTV forecast on your own orders: for every buyer cohort whose LTV at
  the horizon is known, hides what came after 1, 2, 3 observed months, forecasts LTV at H and compares.
  Prints MAPE, bias and 80 % interval coverage per observed months, side by side for the power curve
  (the report's default), the buyer-level model (--forecast-model buyer) and the "no further growth"
  baseline (--forecast-model scores one of the two); --out DIR writes backtest_summary.csv, backtest_cases.csv, backtest.json.
  Without visits the window cannot be defaulted: pass --from and --to.`;

type BacktestFlags = InputFlags & {
  out?: string;
  horizon?: string;
  margin?: string;
  observed?: string;
  "from-cohort"?: string;
  "to-cohort"?: string;
  "forecast-model"?: string;
};

export async function backtestCommand(flags: BacktestFlags): Promise<number> {
  const inputs = resolveInputs(flags, ["orders"]);
  const observedMonths = parseObserved(flags.observed);
  const fromCohort = parseMonth("from-cohort", flags["from-cohort"]);
  const toCohort = parseMonth("to-cohort", flags["to-cohort"]);
  const models = parseModels(flags["forecast-model"]);
  const { backtest } = await import("../backtest.ts");
  const engine = await openEngine(flags, inputs.sources);
  try {
    const run = await backtest(engine, inputs.sources, {
      ...inputs.bounds,
      ...(flags.horizon ? { horizon: flags.horizon } : {}),
      ...(flags.margin ? { margin: flags.margin } : {}),
      ...(observedMonths ? { observedMonths } : {}),
      ...(fromCohort ? { fromCohort } : {}),
      ...(toCohort ? { toCohort } : {}),
      models,
    });
    process.stdout.write(`${formatBacktest(run.result)}\n`);
    if (flags.out) {
      const written = writeBacktest(run.result, flags.out);
      process.stdout.write(`Written: ${written.join(", ")}\n`);
    }
    return 0;
  } finally {
    await engine.close();
  }
}

/** The terminal table: one line per model and number of observed months. */
export function formatBacktest(result: BacktestResult): string {
  const pct = (v: number | null) => (v === null ? "—" : `${(v * 100).toFixed(1)} %`);
  const cohorts = result.cohorts.length > 0 ? `${result.cohorts[0]}..${result.cohorts.at(-1)}` : "none";
  const lines = [
    `Backtest of LTV at ${result.horizon} months, buyer cohorts ${cohorts} (${result.cohorts.length}), rolling origin`,
    `${"model".padEnd(12)} ${"observed".padStart(8)} ${"cases".padStart(5)} ${"MAPE".padStart(8)} ${"bias".padStart(8)} ${`${Math.round(result.level * 100)} % cover`.padStart(11)}`,
  ];
  for (const s of result.summary) {
    lines.push(
      `${s.model.padEnd(12)} ${`${s.observedMonths ?? "all"} mo`.padStart(8)} ${String(s.cases).padStart(5)} ${pct(s.mape).padStart(8)} ${pct(s.bias).padStart(8)} ${(s.coverage === null ? "—" : `${pct(s.coverage)} (${s.intervals})`).padStart(11)}${s.unscored > 0 ? `  ${s.unscored} without a forecast (${UNSCORED_REASON[s.model]})` : ""}`,
    );
  }
  if (result.cohorts.length === 0)
    lines.push(`No buyer cohort is observed for ${result.horizon} months yet: nothing to score.`);
  // Which single cohort moves each row's MAPE most: with a handful of cases one cohort can.
  for (const model of ["power-curve", "buyer-level"] as const) {
    if (!result.summary.some((s) => s.model === model)) continue;
    const misses = largestMisses(result, model);
    if (misses.length === 0) continue;
    const text = misses.map(
      (m) =>
        `${m.observedMonths} mo ${m.cohort} ${m.error > 0 ? "+" : ""}${pct(m.error)} (MAPE of the other ${m.others}: ${pct(m.mapeWithout)})`,
    );
    lines.push(`largest miss, ${model}: ${text.join("; ")}`);
  }
  return lines.join("\n");
}

/** Why a model had no forecast for a case (the baseline is scored where the power curve is). */
const UNSCORED_REASON: Record<BacktestSummary["model"], string> = {
  "power-curve": "fewer than 2 older cohorts",
  "buyer-level": "too little history: under 2 older cohorts past its age, or too few months to fit",
  "no-growth": "scored where the power curve is",
};

const SUMMARY_COLUMNS = [
  "model",
  "observed_months",
  "cases",
  "unscored",
  "mape",
  "bias",
  "coverage",
  "intervals",
];
const CASE_COLUMNS = [
  "cohort",
  "observed_months",
  "cut",
  "actual",
  "forecast",
  "low",
  "high",
  "naive",
  "training_cohorts",
  "buyer_forecast",
  "buyer_low",
  "buyer_high",
];

/** backtest_summary.csv, backtest_cases.csv (tidy) and backtest.json into `dir`. */
export function writeBacktest(result: BacktestResult, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const summary = result.summary.map((s: BacktestSummary) => ({
    ...s,
    observed_months: s.observedMonths ?? "all",
  }));
  const cases = result.cases.map((c) => ({
    ...c,
    observed_months: c.observedMonths,
    training_cohorts: c.trainingCohorts,
    buyer_forecast: c.buyerForecast,
    buyer_low: c.buyerLow,
    buyer_high: c.buyerHigh,
  }));
  const files = {
    "backtest_summary.csv": csvText(summary, SUMMARY_COLUMNS),
    "backtest_cases.csv": csvText(cases, CASE_COLUMNS),
    "backtest.json": `${JSON.stringify(result, null, 2)}\n`,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return Object.keys(files).map((name) => join(dir, name));
}

function csvText(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  const cell = (v: unknown) =>
    v === null || v === undefined
      ? ""
      : typeof v === "number"
        ? String(Number(v.toPrecision(10)))
        : String(v);
  return `${[columns.join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))].join("\n")}\n`;
}

function parseObserved(raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined;
  const parts = raw.split(",").map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => !/^\d{1,2}$/.test(p) || Number(p) < 1))
    throw new UsageError(`invalid observed: "${raw}" (expected whole numbers of months from 1, e.g. 1,2,3)`);
  return parts.map(Number);
}

function parseModels(raw: string | undefined): BacktestModels {
  if (raw === undefined) return "both";
  const model = raw.trim().toLowerCase();
  if (model !== "power" && model !== "buyer")
    throw new UsageError(
      `invalid forecast-model: "${raw}" (expected power or buyer; default both side by side)`,
    );
  return model;
}

function parseMonth(flag: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(raw))
    throw new UsageError(`invalid ${flag}: "${raw}" (expected YYYY-MM)`);
  return raw;
}
