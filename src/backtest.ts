import type { Engine } from "./engine/engine.ts";
import { type BacktestOptions, type BacktestResult, backtestLtv } from "./forecast/backtest.ts";
import { type IngestSources, ingest } from "./ingest/index.ts";
import { computeMetrics } from "./metrics/compute.ts";
import { type AnalysisOptions, normalizeOptions, readDataBounds } from "./metrics/options.ts";

export interface BacktestRun {
  /** The metric options the LTV matrix was computed with (window, horizon, margin). */
  options: AnalysisOptions;
  result: BacktestResult;
}

/**
 * `channelscope backtest` as a library call: ingest the exports (orders are what matter; visits only
 * default the window, so orders-only data must pass `from` and `to`), compute the LTV matrix and run
 * the rolling-origin backtest of the LTV forecast on it (src/forecast/backtest.ts).
 */
export async function backtest(
  engine: Engine,
  sources: IngestSources,
  raw: Partial<Record<string, unknown>> & Omit<BacktestOptions, "horizon"> = {},
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
  const metrics = await computeMetrics(engine, options);
  const result = backtestLtv(metrics.tables.ltv, {
    horizon: options.horizon,
    ...(raw.observedMonths ? { observedMonths: raw.observedMonths } : {}),
    ...(raw.fromCohort ? { fromCohort: raw.fromCohort } : {}),
    ...(raw.toCohort ? { toCohort: raw.toCohort } : {}),
    ...(raw.level ? { level: raw.level } : {}),
  });
  return { options, result };
}
