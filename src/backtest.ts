import type { Engine } from "./engine/engine.ts";
import { type BacktestOptions, type BacktestResult, backtestLtv } from "./forecast/backtest.ts";
import type { BuyerHistory } from "./forecast/buyer-forecast.ts";
import { readBuyerHistories } from "./forecast/buyer-months.ts";
import { type IngestSources, ingest } from "./ingest/index.ts";
import { buildCube, type Cube, dropCube, scopeOf, sliceCube } from "./metrics/cube.ts";
import { type AnalysisOptions, normalizeOptions, readDataBounds } from "./metrics/options.ts";
import { MetricRun } from "./metrics/query.ts";
import type { MetricsResult } from "./metrics/result.ts";
import type { Attribution, LtvRow } from "./metrics/tables.ts";

export interface BacktestRun {
  /** The metric options the LTV matrix was computed with (window, horizon, margin). */
  options: AnalysisOptions;
  result: BacktestResult;
}

/** Which forecast models a backtest scores (the baseline always): both by default. */
export type BacktestModels = "both" | "power" | "buyer";

/**
 * `channelscope backtest` as a library call: ingest the exports (orders are what matter; visits only
 * default the window, so orders-only data must pass `from` and `to`), compute the LTV matrix and the
 * window's per-buyer months from one cube, and run the rolling-origin backtest of the LTV forecasts on
 * them (src/forecast/backtest.ts). `models: "power"` skips the buyer-level model (its fits and
 * bootstrap are most of the run).
 */
export async function backtest(
  engine: Engine,
  sources: IngestSources,
  raw: Partial<Record<string, unknown>> &
    Omit<BacktestOptions, "horizon" | "buyers"> & { models?: BacktestModels } = {},
): Promise<BacktestRun> {
  // Bad options fail before the files are read (the window's placeholder cannot fail by itself).
  normalizeOptions({ ...raw, from: raw.from ?? "1970-01-01", to: raw.to ?? "9999-12-31" });
  const window = { from: raw.from as string | undefined, to: raw.to as string | undefined };
  const quality = await ingest(engine, sources, {
    ...(window.from ? { from: window.from } : {}),
    ...(window.to ? { to: window.to } : {}),
  });
  const fromVisits =
    quality.window.basis === "visits" ? { from: quality.window.from, to: quality.window.to } : {};
  const options = normalizeOptions(
    { ...fromVisits, ...raw },
    fromVisits.from === undefined ? await readDataBounds(engine) : undefined,
  );
  const { ltv, buyers } = await ltvAndBuyers(engine, options, (raw.models ?? "both") !== "power");
  const result = backtestLtv(ltv, {
    horizon: options.horizon,
    ...(raw.observedMonths ? { observedMonths: raw.observedMonths } : {}),
    ...(raw.fromCohort ? { fromCohort: raw.fromCohort } : {}),
    ...(raw.toCohort ? { toCohort: raw.toCohort } : {}),
    ...(raw.level ? { level: raw.level } : {}),
    ...(raw.draws ? { draws: raw.draws } : {}),
    ...(buyers ? { buyers } : {}),
  });
  if (raw.models === "buyer") result.summary = result.summary.filter((s) => s.model !== "power-curve");
  return { options, result };
}

/**
 * The LTV matrix and (with `withBuyers`) every new buyer's months, from one cube over the ingested
 * data: the buyers are read from the per-(buyer, lifetime) table the matrix is summed from, so the two
 * agree cell by cell (test/forecast-buyer-afisha.test.ts). No intervals, forecasts or budget input.
 */
export async function ltvAndBuyers(
  engine: Engine,
  options: AnalysisOptions,
  withBuyers: boolean,
): Promise<{ ltv: LtvRow[]; buyers?: BuyerHistory[] }> {
  const cube = await buildCube(engine);
  try {
    const metrics = (await sliceCube(cube, options, undefined, engine, { trust: false, budgetInput: false }))[
      options.attribution
    ];
    if (!withBuyers) return { ltv: metrics.tables.ltv };
    return { ltv: metrics.tables.ltv, buyers: await readBuyerHistories(wholeWindowRun(cube, metrics)) };
  } finally {
    await dropCube(cube);
  }
}

/**
 * Under `--forecast-model buyer`, `results` (one unfiltered slice of `cube` under every attribution
 * model) with the buyer-level model's backtest on the slice's own buyers in every model's
 * `trust.forecast.backtest`: what the report's methods section quotes, so the page checks the model it
 * forecast with. Unchanged under the power curve (the page computes that backtest from the LTV matrix).
 * Costs one read of the buyers' months and the model's fits and bootstraps at every cut.
 */
export async function withBuyerBacktest(
  cube: Cube,
  results: Record<Attribution, MetricsResult>,
): Promise<Record<Attribution, MetricsResult>> {
  const first = Object.values(results)[0];
  if (!first?.trust || first.options.forecastModel !== "buyer") return results;
  const buyers = await readBuyerHistories(wholeWindowRun(cube, first));
  const { cohorts, cases, summary } = backtestLtv(first.tables.ltv, {
    horizon: first.options.horizon,
    buyers,
  });
  const backtest = { cohorts, cases, summary };
  const out = {} as Record<Attribution, MetricsResult>;
  for (const [model, r] of Object.entries(results) as [Attribution, MetricsResult][])
    out[model] = r.trust ? { ...r, trust: { ...r.trust, forecast: { ...r.trust.forecast, backtest } } } : r;
  return out;
}

/** A run over the whole window of a cube sliced once, unfiltered (its one window's tables). */
function wholeWindowRun(cube: Cube, metrics: MetricsResult): MetricRun {
  const [entry] = [...cube.windows.values()];
  if (!entry || cube.windows.size !== 1) throw new Error("expected a cube sliced over one window");
  const scope = scopeOf(cube.facts, { sources: [], devices: [] });
  return new MetricRun(cube.engine, metrics.options, { ...cube.tables, ...entry.tables }, scope);
}
