import { readFileSync } from "node:fs";
import { withBuyerBacktest } from "./backtest.ts";
import type { BudgetPlanDocument } from "./budget/plan-document.ts";
import { planOfMetrics } from "./budget/plan-document.ts";
import type { PlanMetrics } from "./budget/plan-inputs.ts";
import { normalizePlanOptions, type PlanSettings } from "./budget/plan-options.ts";
import type { Engine } from "./engine/engine.ts";
import type { TablesInPlace } from "./ingest/clickhouse-tables.ts";
import {
  assertInPlaceUnchanged,
  type DataQualityReport,
  type IngestSources,
  InputError,
  ingest,
  type QualityWarning,
} from "./ingest/index.ts";
import { deriveInsights } from "./insights/index.ts";
import { type TrustVerdict, trustVerdicts } from "./insights/trust.ts";
import type { Insights } from "./insights/types.ts";
import { buildCube, dropCube, sliceAcquisitionDaily, sliceCube } from "./metrics/cube.ts";
import type { DailyAcquisitionTable } from "./metrics/daily-acquisition.ts";
import { naturalIdOrder } from "./metrics/id-order.ts";
import {
  type AnalysisOptions,
  ATTRIBUTIONS,
  type ValidatedOptions,
  validateOptions,
} from "./metrics/options.ts";
import type { AnalysisWindow, MetricsResult } from "./metrics/result.ts";
import type { Attribution, Tables } from "./metrics/tables.ts";
import { runContext } from "./presentation.ts";

/** Where the numbers came from: enough to reproduce them. */
export interface AnalysisMetadata {
  tool: "channelscope";
  version: string;
  engine: { name: string; version: string };
  inputs: { table: string; path: string; format: string; rowsRead: number; rowsLoaded: number }[];
  options: AnalysisOptions;
  /** The window used, the one asked for, and whether it was clamped to the visits. */
  window: AnalysisWindow;
  /** Every source and device of the whole dataset in natural id order (one colour per source). */
  sources: string[];
  devices: string[];
  /** Acquisition filter of the numbers: empty = all. */
  filters: { sources: string[]; devices: string[] };
}

/** Everything one run computes: the document behind metrics.json, the report and the dashboard. */
export interface Analysis {
  metadata: AnalysisMetadata;
  dataQuality: DataQualityReport;
  metrics: MetricsResult;
  /** by_source under every attribution model, for the sensitivity of the verdicts. */
  bySourceByModel: Record<Attribution, Tables["by_source"]>;
  insights: Insights;
  /** The budget plan from the response curves (null when no source has spend or it was not computed). */
  budget: BudgetPlanDocument | null;
  /**
   * Budget verdicts with their uncertainty (issue 10, insights/trust.ts): per source with spend, scale /
   * cut / watch from the ROMI interval, concentration on single buyers and the mature cohorts.
   */
  verdicts: TrustVerdict[];
}

/** metrics.json: the analysis with the metrics at the top level, as `report` writes and the API serves. */
export type MetricsDocument = Omit<MetricsResult, "acquisitionDaily"> & Omit<Analysis, "metrics">;

/** Metric options as the CLI, a config file or a caller give them (strings or typed values). */
export type RawMetricOptions = Partial<Record<keyof AnalysisOptions | "cohort-grain", string | number>>;

export interface AnalyzeOptions extends RawMetricOptions {
  lang?: "en" | "ru";
  /**
   * Memory limit for the metric phase, e.g. `"4GB"`. Ingest streams and wants little; the metric
   * passes over 40M sessions run faster with more room than ingest should take.
   */
  metricsMemoryLimit?: string;
  /**
   * Inputs that are tables already in ClickHouse (`path` = `database.table`), read and audited in
   * place; only with a ClickHouse engine. The other inputs are files.
   */
  tables?: TablesInPlace;
  /** Called with each phase's name and wall milliseconds (ingest, metrics, budget). */
  onPhase?: (phase: string, ms: number) => void;
  /** The budget plan's monthly budget (default today's) and bounds (default 0.3): budget/plan-options.ts. */
  budget?: string | number;
  bounds?: string | number;
}

const VERSION = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

/**
 * The whole pipeline on an engine: ingest and audit the exports, compute every metric under every
 * attribution model (one foundation, re-attributed), fit the budget plan, derive the verdicts. Options
 * are the raw ones of the CLI, config file or API; one normaliser validates them.
 */
export async function analyze(
  engine: Engine,
  sources: IngestSources,
  raw: AnalyzeOptions = {},
): Promise<Analysis> {
  return (await analyzeInStages(engine, sources, raw)).complete;
}

/** Fits the budget plan of the chosen model's metrics (default: on this thread). */
export type PlanFitter = (metrics: PlanMetrics, settings: PlanSettings) => Promise<BudgetPlanDocument | null>;

/**
 * Told the chosen model's daily acquisition table (the plan's daily input) before the trust numbers are
 * computed, so that a plan fitted elsewhere can start on its curves (plan-thread.ts curvesAhead).
 */
export type PlanCurvesAhead = (daily: DailyAcquisitionTable) => void;

/** An analysis whose budget plan may still be being fitted; everything else is final. */
export interface StagedAnalysis {
  /**
   * The analysis without the plan (`budget` null, no plan sentence among the insights): its metrics,
   * metadata, data quality and verdicts are those of `complete`, so the figures and tables can be made
   * from it while the plan is fitted (they do not read the plan).
   */
  withoutPlan: Analysis;
  /** The whole analysis, once the plan is fitted: what analyze() returns. */
  complete: Promise<Analysis>;
}

const fitHere: PlanFitter = async (metrics, settings) => planOfMetrics(metrics, settings);

/**
 * analyze() in two stages: resolves when the metrics are computed, with the plan handed to `fitPlan`
 * (a thread of its own in `report`, plan-thread.ts). `onPhase` hears "budget" when the plan is done,
 * with the fit's own wall time, which overlaps whatever the caller does meanwhile. With
 * `curvesAhead`, the plan's daily input is read before the trust numbers and handed to it.
 */
export async function analyzeInStages(
  engine: Engine,
  sources: IngestSources,
  raw: AnalyzeOptions = {},
  fitPlan: PlanFitter = fitHere,
  curvesAhead?: PlanCurvesAhead,
): Promise<StagedAnalysis> {
  // Validated once, before reading gigabytes; the window's missing sides come from the data.
  const {
    lang = "en",
    metricsMemoryLimit,
    onPhase,
    tables,
    budget: _budget,
    bounds: _bounds,
    ...metricOptions
  } = raw;
  const options: ValidatedOptions = validateOptions(metricOptions);
  const planSettings = normalizePlanOptions({ budget: raw.budget, bounds: raw.bounds });
  const phase = timer(onPhase);
  const bounds = {
    ...(options.from ? { from: options.from } : {}),
    ...(options.to ? { to: options.to } : {}),
  };
  const dataQuality = await ingestFor(engine, sources, tables, bounds);
  phase("ingest");
  if (metricsMemoryLimit) await engine.setMemoryLimit?.(metricsMemoryLimit);
  const cube = await buildCube(engine);
  const windowed = withIngestWindow(options, dataQuality);
  const sliced = async () => {
    // The plan's curves need only the daily input: read first, they are fitted beside the trust numbers.
    const acquisitionDaily = curvesAhead ? await sliceAcquisitionDaily(cube, windowed) : undefined;
    if (acquisitionDaily) curvesAhead?.(acquisitionDaily[options.attribution]);
    const r = await sliceCube(
      cube,
      windowed,
      undefined,
      engine,
      acquisitionDaily ? { acquisitionDaily } : {},
    );
    // Under the buyer-level forecast, its backtest on the run's buyers for the methods to quote.
    return withBuyerBacktest(cube, r);
  };
  const results = await sliced().finally(() => dropCube(cube));
  // The metrics read a Parquet input in place (DuckDB): it must still be the file the checks read.
  if (!engine.staging) await assertInPlaceUnchanged(engine);
  phase("metrics");
  const planStarted = performance.now();
  const plan = fitPlan(results[options.attribution], planSettings);
  const engineInfo = { name: engine.name, version: await engine.version() };
  const ctx = {
    attribution: options.attribution,
    lang,
    dataQuality,
    engine: engineInfo,
    sources: cube.facts.sources.map((s) => s.source).sort(naturalIdOrder),
    devices: [...new Set(cube.facts.combos.map((c) => c.device))].sort(naturalIdOrder),
  };
  const complete = plan.then((budget) => {
    onPhase?.("budget", performance.now() - planStarted);
    return assembleAnalysis(results, { ...ctx, budget });
  });
  // A caller that fails before it awaits the plan must not also get an unhandled rejection.
  complete.catch(() => {});
  return { withoutPlan: assembleAnalysis(results, ctx), complete };
}

/** The window ingest derived (the spec's default from visits, or costs/orders without visits). */
function withIngestWindow(options: ValidatedOptions, dq: DataQualityReport): ValidatedOptions {
  return { from: dq.window.from, to: dq.window.to, ...options };
}

/**
 * An Analysis from the metrics of every model: the chosen model's metrics, by_source under each, the
 * verdicts in the requested language and the metadata. Pure: no query (the server calls it per request).
 */
export function assembleAnalysis(
  results: Record<Attribution, MetricsResult>,
  ctx: {
    /** The model the verdicts and `metrics` speak for; every model's by_source is kept beside it. */
    attribution: Attribution;
    lang: "en" | "ru";
    dataQuality: DataQualityReport;
    engine: { name: string; version: string };
    sources: string[];
    devices: string[];
    /** The plan, computed by analyze (a few seconds of bootstrap; the server sets its own). */
    budget?: BudgetPlanDocument | null;
  },
): Analysis {
  const { options, window } = results[ctx.attribution];
  const dataQuality = withWindowWarning(ctx.dataQuality, window);
  const insights = deriveInsights({
    byModel: results,
    context: runContext(options, ctx.lang),
    qualityNotes: dataQuality.warnings.map((w) => ({ code: w.code, message: w.message, count: w.count })),
    // The plan's sentence is the one budget recommendation (absent when the caller computed no plan).
    ...(ctx.budget !== undefined ? { budget: ctx.budget } : {}),
  });
  const bySourceByModel = Object.fromEntries(
    ATTRIBUTIONS.map((m) => [m, results[m].tables.by_source]),
  ) as Record<Attribution, Tables["by_source"]>;
  const metadata: AnalysisMetadata = {
    tool: "channelscope",
    version: VERSION,
    engine: ctx.engine,
    inputs: dataQuality.files.map((f) => ({
      table: f.table,
      path: f.path,
      format: f.format,
      rowsRead: f.rowsRead,
      rowsLoaded: f.rowsLoaded,
    })),
    options,
    window: results[options.attribution].window,
    sources: ctx.sources,
    devices: ctx.devices,
    filters: results[options.attribution].filter,
  };
  const verdicts = trustVerdicts(results[options.attribution], ctx.lang);
  const budget = ctx.budget ?? null;
  return {
    metadata,
    dataQuality,
    metrics: results[options.attribution],
    bySourceByModel,
    insights,
    verdicts,
    budget,
  };
}

/**
 * The audit plus a warning when the window asked for reached beyond the visits and was clamped: the
 * days outside the data are not observed, so they are left out rather than counted as zeros.
 */
function withWindowWarning(dq: DataQualityReport, window: AnalysisWindow): DataQualityReport {
  if (!window.clamped) return dq;
  const days = (a: string, b: string) =>
    Math.max(0, Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000));
  const cut = days(window.requested.from, window.from) + days(window.to, window.requested.to);
  const warning: QualityWarning = {
    code: "window_beyond_data",
    table: "visits",
    count: cut,
    message: `the requested window ${window.requested.from} to ${window.requested.to} reaches ${cut} days beyond the sessions log; analysed ${window.from} to ${window.to}`,
    examples: [
      `requested ${window.requested.from}..${window.requested.to}`,
      `used ${window.from}..${window.to}`,
    ],
  };
  return { ...dq, warnings: [warning, ...dq.warnings] };
}

/** The metrics.json document of an analysis. */
export function metricsDocument(analysis: Analysis): MetricsDocument {
  // The daily acquisition table is the plan's input, thousands of rows; the plan itself is in `budget`.
  const { metrics, ...rest } = analysis;
  const { acquisitionDaily: _daily, ...shown } = metrics;
  return { ...rest, ...shown };
}

/**
 * Ingest and audit for `engine`. An engine that does not read files (ClickHouse) has them loaded by
 * its staging DuckDB and takes the canonical tables over; tables in ClickHouse are read in place.
 */
export async function ingestFor(
  engine: Engine,
  sources: IngestSources,
  tables: TablesInPlace | undefined,
  bounds: { from?: string; to?: string },
): Promise<DataQualityReport> {
  if (tables && Object.keys(tables).length > 0) {
    const { ClickHouseEngine } = await import("./engine/clickhouse-engine.ts");
    if (!(engine instanceof ClickHouseEngine))
      throw new InputError("tables read in place (--visits-table ...) need --engine clickhouse or chdb");
    const { ingestInPlace } = await import("./ingest/clickhouse-tables.ts");
    return ingestInPlace(engine, sources, tables, bounds);
  }
  const report = await ingest(engine.staging ?? engine, sources, bounds);
  await engine.importCanonical?.();
  return report;
}

/** Reports the time since the previous call under the given phase name. */
function timer(onPhase: AnalyzeOptions["onPhase"]): (name: string) => void {
  let last = performance.now();
  return (name) => {
    const now = performance.now();
    onPhase?.(name, now - last);
    last = now;
  };
}
