/**
 * Cumulative LTV curves, one line per buyer cohort, with the horizon H marked. With the forecast grid
 * (issue 10, MetricsResult.trust.forecast.ltv) each young cohort's curve continues dashed, with its
 * 80 % band, from its last measured month: a "forecast" legend entry tells the two apart, so a
 * forecast never reads as a fact.
 */
import { formatNumber, t } from "../../i18n/index.ts";
import { moneyText } from "../../insights/phrases.ts";
import { tooltip } from "../bars.ts";
import { baseConfig, emptyFigure, header, PLOT_WIDTH, round } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";

export function ltvCurves(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang, currency, horizon } = ctx;
  const values = tables.ltv
    .filter((r) => r.ltv !== null)
    // x is the month a reader counts (lifetime 0 = month 1), so "H = 6" stands at 6.
    .map((r) => ({
      cohort: r.cohort,
      month: r.lifetime + 1,
      ltv: round(r.ltv!),
      ltvText: moneyText(ctx, r.ltv!),
      monthText: formatNumber(lang, r.lifetime + 1),
    }));
  if (values.length === 0) return emptyFigure(ctx, "ltvCurves.title");
  const forecast = forecastPoints(p);
  const cohorts = [...new Set(values.map((v) => v.cohort))].sort();
  const maxMonth = Math.max(...values.map((v) => v.month), ...forecast.map((f) => f.month), horizon, 2);
  const x = {
    field: "month",
    type: "quantitative" as const,
    scale: { domain: [1, maxMonth], nice: false },
    axis: { title: t(lang, "common.lifetimeMonths"), tickMinStep: 1, format: "d" },
  };
  const measured = t(lang, "ltvCurves.measured");
  const predicted = t(lang, "ltvCurves.forecast");
  const color = {
    field: "cohort",
    type: "ordinal" as const,
    scale: { domain: cohorts, scheme: { name: "viridis", extent: [0, 0.85] } },
    // The band layer would make the legend's swatches as faint as the band: draw them as lines.
    legend: {
      title: t(lang, "ltvCurves.legend"),
      symbolType: "stroke",
      symbolOpacity: 1,
      symbolStrokeWidth: 2,
    },
  };
  const forecastLayers =
    forecast.length === 0
      ? []
      : [
          {
            data: { values: forecast.map((f) => ({ ...f, part: predicted })) },
            layer: [
              {
                mark: { type: "area" as const, opacity: 0.12 },
                encoding: {
                  x,
                  y: { field: "low", type: "quantitative" as const },
                  y2: { field: "high" },
                  color,
                  detail: { field: "cohort" },
                },
              },
              {
                mark: { type: "line" as const, strokeWidth: 1.4, strokeDash: FORECAST_DASH },
                encoding: {
                  x,
                  y: { field: "ltv", type: "quantitative" as const },
                  color,
                  detail: { field: "cohort" },
                  tooltip: tooltip([
                    ["cohort", t(lang, "ltvCurves.legend")],
                    ["monthText", t(lang, "common.lifetimeMonths")],
                    ["ltvText", predicted],
                  ]),
                },
              },
            ],
          },
          lineKey(measured, predicted),
        ];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: baseConfig(lang),
    title: header(
      t(lang, "ltvCurves.title"),
      t(lang, forecast.length > 0 ? "ltvCurves.subtitleForecast" : "ltvCurves.subtitle", {
        horizon,
        model: t(lang, `forecast.model.${p.analysis.metrics.trust?.forecast.model ?? "power"}`),
      }),
    ),
    width: PLOT_WIDTH - 60,
    height: 320,
    layer: [
      ...forecastLayers,
      {
        data: { values },
        mark: { type: "line", strokeWidth: 1.6, point: { size: 18, filled: true } },
        encoding: {
          x,
          y: {
            field: "ltv",
            type: "quantitative",
            axis: { title: t(lang, "ltv.axis", { currency }), format: ",.2~f" },
          },
          // Cohorts are ordered in time: a sequential ramp (older darker) instead of categorical hues,
          // which stay reserved for sources. The light yellow end of viridis is cut off for contrast.
          color,
          tooltip: tooltip([
            ["cohort", t(lang, "ltvCurves.legend")],
            ["monthText", t(lang, "common.lifetimeMonths")],
            ["ltvText", "LTV"],
          ]),
        },
      },
      {
        data: { values: [{ at: horizon, label: `H = ${horizon}` }] },
        layer: [
          {
            mark: { type: "rule", strokeDash: [5, 3], color: "#555555" },
            encoding: { x: { field: "at", type: "quantitative" } },
          },
          {
            mark: { type: "text", align: "left", baseline: "top", dx: 4, y: 2, color: "#555555" },
            encoding: { x: { field: "at", type: "quantitative" }, text: { field: "label" } },
          },
        ],
      },
    ],
  };
}

/**
 * The forecast cells of the young cohorts as points of the figure (month = lifetime + 1), each cohort's
 * piece starting at its last measured cell so the dashed line joins the solid one.
 */
function forecastPoints(p: Presentation) {
  const rows = p.analysis.metrics.trust?.forecast.ltv ?? [];
  const { lang } = p.context;
  const predicted = new Set(rows.filter((r) => !r.observed && r.ltv !== null).map((r) => r.cohort));
  const lastMeasured = new Map<string, number>();
  for (const r of rows)
    if (r.observed && predicted.has(r.cohort))
      lastMeasured.set(r.cohort, Math.max(lastMeasured.get(r.cohort) ?? -1, r.lifetime));
  return rows
    .filter((r) => r.ltv !== null && (!r.observed ? true : lastMeasured.get(r.cohort) === r.lifetime))
    .map((r) => ({
      cohort: r.cohort,
      month: r.lifetime + 1,
      ltv: round(r.ltv!),
      low: round(r.observed || r.ltv_low === null ? r.ltv! : r.ltv_low),
      high: round(r.observed || r.ltv_high === null ? r.ltv! : r.ltv_high),
      ltvText: moneyText(p.context, r.ltv!),
      monthText: formatNumber(lang, r.lifetime + 1),
    }));
}

const FORECAST_DASH = [5, 3];
const KEY_INK = "#333333";

/**
 * The key "—— measured / - - - forecast" in the plot's top-left corner (pixel positions: early months
 * sit low there, so it never covers a line). A strokeDash legend would draw its symbols without a
 * stroke colour next to the cohort colours.
 */
function lineKey(measured: string, predicted: string) {
  const row = (y: number, label: string, dash: number[] | undefined) => [
    {
      mark: {
        type: "rule" as const,
        color: KEY_INK,
        strokeWidth: 1.6,
        ...(dash ? { strokeDash: dash } : {}),
      },
      encoding: { x: { value: 12 }, x2: { value: 40 }, y: { value: y } },
    },
    {
      mark: { type: "text" as const, align: "left" as const, baseline: "middle" as const, color: KEY_INK },
      encoding: { x: { value: 46 }, y: { value: y }, text: { value: label } },
    },
  ];
  return {
    data: { values: [{}] },
    layer: [...row(14, measured, undefined), ...row(32, predicted, FORECAST_DASH)],
  };
}
