import { readFileSync } from "node:fs";
import type { Engine } from "./engine/engine.ts";
import { type DataQualityReport, type IngestSources, ingest } from "./ingest/index.ts";
import { deriveInsights } from "./insights/index.ts";
import type { Insights, QualityNote } from "./insights/types.ts";
import { computeWithSensitivity } from "./metrics/compute.ts";
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
}

export interface AnalyzeOptions extends Partial<Record<string, unknown>> {
  lang?: "en" | "ru";
  /**
   * Memory limit for the metric phase, e.g. `"4GB"`. Ingest streams and wants little; the metric
   * passes over 40M sessions run faster with more room than ingest should take.
   */
  metricsMemoryLimit?: string;
  /** Called with each phase's name and wall milliseconds (ingest, metrics, insights). */
  onPhase?: (phase: string, ms: number) => void;
}

const VERSION = (
  JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
).version;

/**
 * The whole pipeline on an engine: ingest and audit the exports, compute every metric under the
 * chosen model (and by_source under the other two, for the sensitivity table), derive the verdicts.
 * Options are the raw ones of the CLI, config file or API; one normaliser validates them.
 */
export async function analyze(
  engine: Engine,
  sources: IngestSources,
  raw: AnalyzeOptions = {},
): Promise<Analysis> {
  // Fail on bad options before reading gigabytes: validate once with a placeholder window.
  normalizeOptions({ from: "2000-01-01", to: "2000-01-02", ...raw });
  const phase = timer(raw.onPhase);
  const bounds = { from: raw.from as string | undefined, to: raw.to as string | undefined };
  const dataQuality = await ingest(engine, sources, stripUndefined(bounds));
  phase("ingest");
  const options = normalizeOptions(raw, await readDataBounds(engine));
  if (raw.metricsMemoryLimit) await engine.setMemoryLimit?.(raw.metricsMemoryLimit);
  const { metrics, byModel: breakdowns } = await computeWithSensitivity(engine, options);
  // Every model shares the chosen model's tables but for its own attributed breakdowns.
  const byModel = Object.fromEntries(
    ATTRIBUTIONS.map((m) => [
      m,
      { ...metrics.tables, by_source: breakdowns[m].bySource, by_device: breakdowns[m].byDevice },
    ]),
  ) as Record<Attribution, Tables>;
  phase("metrics");
  const qualityNotes: QualityNote[] = dataQuality.warnings.map((w) => ({
    code: w.code,
    message: w.message,
    count: w.count,
  }));
  const insights = deriveInsights(byModel, {
    attribution: options.attribution,
    horizon: options.horizon,
    lang: raw.lang ?? "en",
    currency: options.currency,
    qualityNotes,
  });
  phase("insights");
  const bySourceByModel = Object.fromEntries(ATTRIBUTIONS.map((m) => [m, byModel[m].by_source])) as Record<
    Attribution,
    Tables["by_source"]
  >;
  const metadata: AnalysisMetadata = {
    tool: "channelscope",
    version: VERSION,
    engine: { name: engine.name, version: await engine.version() },
    inputs: dataQuality.files.map((f) => ({
      table: f.table,
      path: f.path,
      format: f.format,
      rowsRead: f.rowsRead,
      rowsLoaded: f.rowsLoaded,
    })),
    options,
  };
  return { metadata, dataQuality, metrics, bySourceByModel, insights };
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
