/** channelscope as a library: named exports only. */

export { type Analysis, type AnalysisMetadata, type AnalyzeOptions, analyze } from "./analyze.ts";
export { type BacktestRun, backtest } from "./backtest.ts";
export {
  type BudgetPlan,
  buildBudgetPlan,
  type PlanOptions,
  type SourceInput,
} from "./budget/budget-plan.ts";
export type { BudgetPlanDocument } from "./budget/plan-document.ts";
export { type DailyAcquisition, fitResponseCurves, type ResponseCurve } from "./budget/response-curve.ts";
export { FIGURE_NAMES, FIGURES, renderAllFigures } from "./charts/index.ts";
export { renderPng, renderSvg } from "./charts/render.ts";
export { type ChdbOptions, ClickHouseEngine, type ClickHouseOptions } from "./engine/clickhouse-engine.ts";
export { DuckDbEngine, type DuckDbOptions } from "./engine/duckdb-engine.ts";
export type { Engine, Row, SqlParams } from "./engine/engine.ts";
export { QueryError } from "./engine/query-error.ts";
export {
  type BacktestResult,
  type BuyerForecastBasis,
  type BuyerHistory,
  type BuyerMonth,
  type BuyerShare,
  backtestLtv,
  buyerForecastBasis,
  buyerHistories,
  forecastLtv,
  forecastLtvByBuyers,
  forecastLtvByBuyersBySource,
  forecastPayback,
  forecastRomi,
  type LtvForecastRow,
  type PaybackForecastRow,
  type RomiForecastRow,
} from "./forecast/index.ts";
export { type GenerateOptions, type GenerateSummary, generateSample } from "./generate/index.ts";
export {
  type DataQualityReport,
  type IngestSources,
  InputError,
  ingest,
  type QualityWarning,
  type TableSource,
  writeQuarantine,
} from "./ingest/index.ts";
export { deriveInsights } from "./insights/index.ts";
export { type TrustVerdict, trustVerdicts } from "./insights/trust.ts";
export type { Evidence, Finding, Insights, Verdict } from "./insights/types.ts";
export { computeAllModels, computeMetrics } from "./metrics/compute.ts";
export { type AcquisitionFilter, buildCube, type Cube, dropCube, sliceCube } from "./metrics/cube.ts";
export { type AnalysisOptions, normalizeOptions, OptionsError } from "./metrics/options.ts";
export type { MetricsResult } from "./metrics/result.ts";
export type * from "./metrics/tables.ts";
export { type Presentation, presentationOf, type RunContext, runContext } from "./presentation.ts";
export { renderReportHtml } from "./report/html/index.ts";
export { formatQualityReport } from "./report/quality-text.ts";
export { writeReport } from "./report/write-report.ts";
