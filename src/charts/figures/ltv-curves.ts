/** Cumulative LTV curves, one line per buyer cohort, with the horizon H marked. */
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
  const cohorts = [...new Set(values.map((v) => v.cohort))].sort();
  const maxMonth = Math.max(...values.map((v) => v.month), horizon, 2);
  const x = {
    field: "month",
    type: "quantitative" as const,
    scale: { domain: [1, maxMonth], nice: false },
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
