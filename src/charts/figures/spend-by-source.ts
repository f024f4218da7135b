/** Marketing spend per month, stacked by source in the sources' own colours (natural order). */
import { formatMonth, t } from "../../i18n/index.ts";
import { moneyText } from "../../insights/phrases.ts";
import { columnsWidth, tooltip } from "../bars.ts";
import { sourcePalette } from "../palette.ts";
import { bandLabelAngle, baseConfig, emptyFigure, header, PLOT_WIDTH, round } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";

export function spendBySource(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang, currency } = ctx;
  const costs = tables.costs_by_source_month.filter((r) => r.costs !== 0);
  if (costs.length === 0) return emptyFigure(ctx, "spend.title");
  const palette = sourcePalette(p);
  const present = palette.filter((p) => costs.some((r) => r.source === p.id));
  const order = new Map(present.map((p, i) => [p.id, i]));
  const months = [...new Set(costs.map((r) => r.month))].sort();
  const values = costs.map((r) => ({
    month: r.month,
    source: present[order.get(r.source)!]!.label,
    order: order.get(r.source)!,
    costs: round(r.costs, 2),
    monthText: formatMonth(lang, r.month),
    costsText: moneyText(ctx, r.costs),
  }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: baseConfig(lang),
    title: header(t(lang, "spend.title"), t(lang, "spend.subtitle", { currency })),
    width: columnsWidth(months.length, PLOT_WIDTH - 20),
    height: 300,
    data: { values },
    mark: { type: "bar", width: { band: 0.78 } },
    encoding: {
      x: {
        field: "month",
        type: "ordinal",
        scale: { domain: months },
        axis: {
          title: t(lang, "common.month"),
          labelAngle: bandLabelAngle(months.length, columnsWidth(months.length, PLOT_WIDTH - 20), 40),
        },
      },
      y: {
        field: "costs",
        type: "quantitative",
        stack: "zero",
        axis: { title: t(lang, "spend.axis", { currency }), format: ",d" },
      },
      color: {
        field: "source",
        type: "nominal",
        scale: { domain: present.map((p) => p.label), range: present.map((p) => p.color) },
        legend: { title: t(lang, "common.source") },
      },
      // Stacked top to bottom in the legend's order (source 1 on top), so segments read like the legend.
      order: { field: "order", type: "quantitative", sort: "descending" },
      tooltip: tooltip([
        ["source", t(lang, "common.source")],
        ["monthText", t(lang, "common.month")],
        ["costsText", t(lang, "spend.axis", { currency })],
      ]),
    },
  };
}
