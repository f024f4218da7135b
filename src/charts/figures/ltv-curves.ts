/** Cumulative LTV curves, one line per buyer cohort, with the horizon H marked. */
import { t } from "../../i18n/index.ts";
import { baseConfig, emptyFigure, header, PLOT_WIDTH, round } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";

export function ltvCurves(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang, currency, horizon } = ctx;
  const values = tables.ltv
    .filter((r) => r.ltv !== null)
    .map((r) => ({ cohort: r.cohort, lifetime: r.lifetime, ltv: round(r.ltv!) }));
  if (values.length === 0) return emptyFigure(ctx, "ltvCurves.title");
  const cohorts = [...new Set(values.map((v) => v.cohort))].sort();
  const maxLifetime = Math.max(...values.map((v) => v.lifetime), horizon - 1, 1);
  const x = {
    field: "lifetime",
    type: "quantitative" as const,
    scale: { domain: [0, maxLifetime], nice: false },
    axis: { title: t(lang, "common.lifetimeMonths"), tickMinStep: 1, format: "d" },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: baseConfig(lang),
    title: header(t(lang, "ltvCurves.title"), t(lang, "ltvCurves.subtitle", { horizon })),
    width: PLOT_WIDTH - 60,
    height: 320,
    layer: [
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
          color: {
            field: "cohort",
            type: "ordinal",
            scale: { domain: cohorts, scheme: { name: "viridis", extent: [0, 0.85] } },
            legend: { title: t(lang, "ltvCurves.legend") },
          },
        },
      },
      {
        data: { values: [{ at: horizon - 1, label: `H = ${horizon}` }] },
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
