/**
 * ROMI at H by source with its bootstrap interval (issue 10): a point per source, the interval as an
 * error bar, the break-even line at 1 and the cut line, and the verdict as the point's colour.
 */

import { type Lang, t } from "../../i18n/index.ts";
import { CUT_ROMI } from "../../insights/thresholds.ts";
import type { TrustVerdict } from "../../insights/trust.ts";
import type { ForecastModel } from "../../metrics/options.ts";
import { baseConfig, header, PLOT_WIDTH, round } from "../theme.ts";
import type { VegaLiteSpec } from "../types.ts";

const TEXT = {
  en: {
    title: (h: number) => `ROMI at ${h} months by source, with its interval`,
    subtitle: (level: string, model: string) =>
      `${level} bootstrap interval over buyers (forecast: 80 %, ${model}); 1 = break-even.`,
    x: "ROMI",
    y: "Source",
    verdict: { scale: "scale", cut: "cut", watch: "watch" },
    legend: "Verdict",
  },
  ru: {
    title: (h: number) => `ROMI за ${h} мес. по источникам, с интервалом`,
    subtitle: (level: string, model: string) =>
      `Бутстрэп-интервал ${level} по покупателям (прогноз: 80 %, ${model}); 1 — окупаемость.`,
    x: "ROMI",
    y: "Источник",
    verdict: { scale: "масштабировать", cut: "сократить", watch: "наблюдать" },
    legend: "Вердикт",
  },
} as const;

export function romiIntervalsFigure(
  verdicts: readonly TrustVerdict[],
  /** `model`: the forecast's model, named in the subtitle (default the power curve). */
  ctx: { lang: Lang; horizon: number; model?: ForecastModel },
): VegaLiteSpec {
  const text = TEXT[ctx.lang];
  const values = verdicts
    .filter((v) => v.romi !== null)
    .map((v) => ({
      source: v.source,
      romi: round(v.romi!),
      low: v.low === null ? null : round(v.low),
      high: v.high === null ? null : round(v.high),
      verdict: text.verdict[v.action],
      basis: v.basis,
    }));
  const observed = verdicts.find((v) => v.basis === "observed");
  const level = `${Math.round((observed?.level ?? 0.9) * 100)} %`;
  const y = { field: "source", type: "nominal" as const, sort: null, axis: { title: text.y } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: baseConfig(ctx.lang),
    title: header(
      text.title(ctx.horizon),
      text.subtitle(level, t(ctx.lang, `forecast.model.${ctx.model ?? "power"}`)),
    ),
    width: PLOT_WIDTH - 60,
    height: { step: 26 },
    layer: [
      {
        data: { values },
        layer: [
          {
            transform: [{ filter: "datum.low !== null && datum.high !== null" }],
            mark: { type: "rule", strokeWidth: 2, color: "#777777" },
            encoding: {
              y,
              x: { field: "low", type: "quantitative", axis: { title: text.x } },
              x2: { field: "high" },
            },
          },
          {
            mark: { type: "point", filled: true, size: 70 },
            encoding: {
              y,
              x: { field: "romi", type: "quantitative" },
              color: {
                field: "verdict",
                type: "nominal",
                scale: {
                  domain: [text.verdict.scale, text.verdict.watch, text.verdict.cut],
                  range: ["#1a7f37", "#b08800", "#c62828"],
                },
                legend: { title: text.legend },
              },
              shape: { field: "basis", type: "nominal", legend: null },
            },
          },
        ],
      },
      {
        data: { values: [{ at: 1 }, { at: CUT_ROMI }] },
        mark: { type: "rule", strokeDash: [5, 3], color: "#555555" },
        encoding: { x: { field: "at", type: "quantitative" } },
      },
    ],
  };
}
