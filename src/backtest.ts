import type { Engine } from "./engine/engine.ts";
import { type BacktestOptions, type BacktestResult, backtestLtv } from "./forecast/backtest.ts";
import type { BuyerHistory } from "./forecast/buyer-forecast.ts";
import { readBuyerHistories } from "./forecast/buyer-months.ts";
import { type IngestSources, ingest } from "./ingest/index.ts";
import { buildCube, dropCube, scopeOf, sliceCube } from "./metrics/cube.ts";
import { type AnalysisOptions, normalizeOptions, readDataBounds } from "./metrics/options.ts";
import { MetricRun } from "./metrics/query.ts";

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
  const cube = await buildCube(engine);
  let ltv: Awaited<ReturnType<typeof sliceCube>>[AnalysisOptions["attribution"]]["tables"]["ltv"];
  let buyers: BuyerHistory[] | undefined;
  try {
    // The LTV matrix needs no intervals, forecasts or budget input: the slice leaves them out.
    const metrics = (await sliceCube(cube, options, undefined, engine, { trust: false, budgetInput: false }))[
      options.attribution
    ];
    ltv = metrics.tables.ltv;
    if ((raw.models ?? "both") !== "power") {
      // The one window the slice built: its per-(buyer, lifetime) table is what the matrix sums.
      const [entry] = [...cube.windows.values()];
      const facts = { sources: [], devices: [] };
      const run = new MetricRun(
        engine,
        metrics.options,
        { ...cube.tables, ...entry!.tables },
        scopeOf(cube.facts, facts),
      );
      buyers = await readBuyerHistories(run);
    }
  } finally {
    await dropCube(cube);
  }
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
