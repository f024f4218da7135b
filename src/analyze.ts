import { readFileSync } from "node:fs";
import type { BudgetPlanDocument } from "./budget/plan-document.ts";
import { planOfMetrics } from "./budget/plan-document.ts";
import { normalizePlanOptions } from "./budget/plan-options.ts";
import type { Engine } from "./engine/engine.ts";
import { type DataQualityReport, type IngestSources, ingest } from "./ingest/index.ts";
import { deriveInsights } from "./insights/index.ts";
import type { Insights } from "./insights/types.ts";
import { computeAllModels } from "./metrics/compute.ts";
import { type AnalysisOptions, ATTRIBUTIONS, normalizeOptions, readDataBounds } from "./metrics/options.ts";
import type { MetricsResult } from "./metrics/result.ts";
import type { Attribution, Tables } from "./metrics/tables.ts";

/** Where the numbers came from: enough to reproduce them. */
export interface AnalysisMetadata {
  tool: "channelscope";
  version: string;
  engine: { name: string; version: string };
  inputs: { table: string; path: string; format: string; rowsRead: number; rowsLoaded: number }[];
  options: AnalysisOptions;
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
}

/** metrics.json: the analysis with the metrics at the top level, as `report` writes and the API serves. */
export type MetricsDocument = Omit<MetricsResult, "acquisitionDaily"> & Omit<Analysis, "metrics">;

export interface AnalyzeOptions extends Partial<Record<string, unknown>> {
  lang?: "en" | "ru";
  /**
   * Memory limit for the metric phase, e.g. `"4GB"`. Ingest streams and wants little; the metric
   * passes over 40M sessions run faster with more room than ingest should take.
   */
  metricsMemoryLimit?: string;
  /** Called with each phase's name and wall milliseconds (ingest, metrics). */
  onPhase?: (phase: string, ms: number) => void;
}

const VERSION = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

/**
 * The whole pipeline on an engine: ingest and audit the exports, compute every metric under every
 * attribution model (one foundation, re-attributed), derive the verdicts. Options are the raw ones of
 * the CLI, config file or API; one normaliser validates them.
 */
export async function analyze(
  engine: Engine,
  sources: IngestSources,
  raw: AnalyzeOptions = {},
): Promise<Analysis> {
  // Fail on bad options before reading gigabytes. The window's default comes from the data, so a
  // missing side gets a placeholder that can never make `from >= to` by itself.
  normalizeOptions({ ...raw, from: raw.from ?? "1970-01-01", to: raw.to ?? "9999-12-31" });
  const planSettings = normalizePlanOptions(raw);
  const phase = timer(raw.onPhase);
  const bounds = { from: raw.from as string | undefined, to: raw.to as string | undefined };
  const dataQuality = await ingest(engine, sources, stripUndefined(bounds));
  phase("ingest");
  // Ingest already derived the spec's default window from visits; reuse it rather than scan visits again.
  const { window } = dataQuality;
  const fromVisits = window.basis === "visits" ? { from: window.from, to: window.to } : {};
  const options = normalizeOptions({ ...fromVisits, ...raw }, await dataBounds(engine, fromVisits));
  if (raw.metricsMemoryLimit) await engine.setMemoryLimit?.(raw.metricsMemoryLimit);
  const results = await computeAllModels(engine, options);
  phase("metrics");
  const budget = planOfMetrics(results[options.attribution], planSettings);
  phase("budget");
  const engineInfo = { name: engine.name, version: await engine.version() };
  return assembleAnalysis(results, {
    options,
    lang: raw.lang ?? "en",
    dataQuality,
    engine: engineInfo,
    budget,
  });
}

/**
 * An Analysis from the metrics of every model: the chosen model's metrics, by_source under each, the
 * verdicts in the requested language and the metadata. Pure: no query (the server calls it per request).
 */
export function assembleAnalysis(
  results: Record<Attribution, MetricsResult>,
  ctx: {
    options: AnalysisOptions;
    lang: "en" | "ru";
    dataQuality: DataQualityReport;
    engine: { name: string; version: string };
    /** The plan, computed by analyze (a few seconds of bootstrap; the server leaves it out). */
    budget?: BudgetPlanDocument | null;
  },
): Analysis {
  const { options, dataQuality } = ctx;
  const tablesByModel = Object.fromEntries(ATTRIBUTIONS.map((m) => [m, results[m].tables])) as Record<
    Attribution,
    Tables
  >;
  const insights = deriveInsights(tablesByModel, {
    attribution: options.attribution,
    horizon: options.horizon,
    lang: ctx.lang,
    currency: options.currency,
    qualityNotes: dataQuality.warnings.map((w) => ({ code: w.code, message: w.message, count: w.count })),
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
  };
  const budget = ctx.budget ?? null;
  return { metadata, dataQuality, metrics: results[options.attribution], bySourceByModel, insights, budget };
}

/** The metrics.json document of an analysis. */
export function metricsDocument(analysis: Analysis): MetricsDocument {
  // The daily acquisition table is the plan's input, thousands of rows; the plan itself is in `budget`.
  const { metrics, ...rest } = analysis;
  const { acquisitionDaily: _daily, ...shown } = metrics;
  return { ...rest, ...shown };
}

/** Visit bounds for the default window, read only when ingest could not take them from visits. */
async function dataBounds(engine: Engine, known: { from?: string }) {
  return known.from === undefined ? readDataBounds(engine) : undefined;
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

function stripUndefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
