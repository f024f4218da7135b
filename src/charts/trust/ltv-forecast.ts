/**
 * LTV curves with their forecast continuation (issue 10): measured months as solid lines, forecast
 * months dashed with the 80 % band, so a forecast never reads as a fact. Built from the forecast grid
 * (MetricsResult.trust.forecast.ltv); never queries anything.
 */
import type { LtvForecastRow } from "../../forecast/ltv-forecast.ts";
import { type Lang, t } from "../../i18n/index.ts";
import type { ForecastModel } from "../../metrics/options.ts";
import { baseConfig, header, PLOT_WIDTH, round } from "../theme.ts";
import type { VegaLiteSpec } from "../types.ts";

const TEXT = {
  en: {
    title: "LTV by buyer cohort: measured and forecast",
    subtitle: (h: number, model: string) =>
      `Solid: measured. Dashed with band: forecast (${model}, 80 % interval). H\u00a0=\u00a0${h} months.`,
    x: "Lifetime, months",
    y: (c: string) => `LTV, ${c}`,
    legend: "Cohort",
  },
  ru: {
    title: "LTV по когортам покупателей: факт и прогноз",
    subtitle: (h: number, model: string) =>
      `Сплошная линия — факт, пунктир с полосой — прогноз (${model}, интервал 80 %). H\u00a0=\u00a0${h}\u00a0мес.`,
    x: "Лайфтайм, мес.",
    y: (c: string) => `LTV, ${c}`,
    legend: "Когорта",
  },
} as const;

export function ltvForecastFigure(
  rows: readonly LtvForecastRow[],
  /** `model`: the forecast's model, named in the subtitle (default the power curve). */
  ctx: { lang: Lang; currency: string; horizon: number; model?: ForecastModel },
): VegaLiteSpec {
  const text = TEXT[ctx.lang];
  const cohorts = [...new Set(rows.map((r) => r.cohort))].sort();
  // The forecast line starts at the last measured point, so the two pieces join.
  const lastObserved = new Map<string, number>();
  for (const r of rows)
    if (r.observed) lastObserved.set(r.cohort, Math.max(lastObserved.get(r.cohort) ?? 0, r.lifetime));
  const values = rows
    .filter((r) => r.ltv !== null)
    .flatMap((r) => {
      const point = {
        cohort: r.cohort,
        lifetime: r.lifetime,
        ltv: round(r.ltv!),
        low: r.ltv_low === null ? round(r.ltv!) : round(r.ltv_low),
        high: r.ltv_high === null ? round(r.ltv!) : round(r.ltv_high),
      };
      if (!r.observed) return [{ ...point, part: "forecast" }];
      const joins =
        r.lifetime === lastObserved.get(r.cohort) &&
        rows.some((x) => x.cohort === r.cohort && !x.observed && x.ltv !== null);
      return joins
        ? [
            { ...point, part: "observed" },
            { ...point, part: "forecast" },
          ]
        : [{ ...point, part: "observed" }];
    });
  const x = {
    field: "lifetime",
    type: "quantitative" as const,
    axis: { title: text.x, tickMinStep: 1, format: "d" },
  };
  const color = {
    field: "cohort",
    type: "ordinal" as const,
    scale: { domain: cohorts, scheme: { name: "viridis", extent: [0, 0.85] } },
    // The band layer would make the legend's swatches as faint as the band: draw them as lines.
    legend: { title: text.legend, symbolType: "stroke", symbolOpacity: 1, symbolStrokeWidth: 2 },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: baseConfig(ctx.lang),
    title: header(
      text.title,
      text.subtitle(ctx.horizon, t(ctx.lang, `forecast.model.${ctx.model ?? "power"}`)),
    ),
    width: PLOT_WIDTH - 60,
    height: 320,
    data: { values },
    layer: [
      {
        transform: [{ filter: "datum.part === 'forecast'" }],
        mark: { type: "area", opacity: 0.12 },
        encoding: {
          x,
          y: { field: "low", type: "quantitative" },
          y2: { field: "high" },
          color,
          detail: { field: "cohort" },
        },
      },
      {
        transform: [{ filter: "datum.part === 'observed'" }],
        mark: { type: "line", strokeWidth: 1.6, point: { size: 18, filled: true } },
        encoding: {
          x,
          y: { field: "ltv", type: "quantitative", axis: { title: text.y(ctx.currency), format: ",.2~f" } },
          color,
        },
      },
      {
        transform: [{ filter: "datum.part === 'forecast'" }],
        mark: { type: "line", strokeWidth: 1.4, strokeDash: [4, 3] },
        encoding: { x, y: { field: "ltv", type: "quantitative" }, color, detail: { field: "cohort" } },
      },
    ],
  };
}
