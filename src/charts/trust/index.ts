/**
 * The issue-10 figures, drawn beside the others into `<outDir>/figures/` (SVG and PNG): their specs,
 * which the report queues on the figure threads with the registry's (report/write-report.ts). No
 * Vega here: the specs are built on the main thread, which never loads it.
 */
import type { Lang } from "../../i18n/index.ts";
import type { TrustVerdict } from "../../insights/trust.ts";
import type { MetricsResult } from "../../metrics/result.ts";
import type { VegaLiteSpec } from "../types.ts";
import { ltvForecastFigure } from "./ltv-forecast.ts";
import { romiIntervalsFigure } from "./romi-intervals.ts";

export { ltvForecastFigure, romiIntervalsFigure };

/** The trust figures of `metrics` by file name: none without trust numbers, no ROMI figure without verdicts. */
export function trustFigureSpecs(
  metrics: MetricsResult,
  verdicts: readonly TrustVerdict[],
  ctx: { lang: Lang; currency: string; horizon: number },
): { name: string; spec: VegaLiteSpec }[] {
  if (!metrics.trust) return [];
  const named = { ...ctx, model: metrics.trust.forecast.model };
  return [
    { name: "ltv-forecast", spec: ltvForecastFigure(metrics.trust.forecast.ltv, named) },
    ...(verdicts.length > 0 ? [{ name: "romi-intervals", spec: romiIntervalsFigure(verdicts, named) }] : []),
  ];
}
