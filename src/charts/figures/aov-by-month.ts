/**
 * Average order value per calendar month (revenue / orders of the month), columns from zero in
 * calendar order, with the whole window's AOV as a dashed reference line. The line runs behind the
 * columns and the values are written inside the columns' tops, so the line never crosses a number.
 * Months only partly inside the window are drawn lighter, as in purchases per month. Reads
 * `MetricsResult.orders.aovByMonth`.
 */
import { formatMonth, formatNumber, t } from "../../i18n/index.ts";
import { moneyText } from "../../insights/phrases.ts";
import { columnsWidth, tooltip } from "../bars.ts";
import { hexToRgb, NOTE_GREY, textColorOn } from "../palette.ts";
import { bandLabelAngle, baseConfig, emptyFigure, header, round, TEXT } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";
import { NEUTRAL } from "./conversion-lag.ts";

const HEIGHT = 280;
const FONT = 10.5;
/** A partial month: the neutral colour at half strength over white (as `columns` draws it). */
const LIGHT = "#adb5bf";

export function aovByMonth(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang, currency } = ctx;
  const months = [...p.analysis.metrics.orders.aovByMonth].sort((a, b) => (a.month < b.month ? -1 : 1));
  const orders = months.reduce((a, m) => a + m.orders, 0);
  if (orders === 0 || !months.some((m) => m.aov !== null)) return emptyFigure(ctx, "aovMonth.title");
  // The window's AOV: all revenue / all orders, which weights each month by its orders.
  const mean = months.reduce((a, m) => a + m.revenue, 0) / orders;
  const partial = new Set(tables.activity_monthly.filter((r) => r.partial).map((r) => r.period));
  const keys = months.map((m) => m.month);
  // Full width, as purchases per month: the reference line's label goes outside, on two short lines.
  const width = columnsWidth(keys.length);
  const step = width / keys.length;
  const top = Math.max(mean, ...months.map((m) => m.aov ?? 0));
  const domainMax = round(top * 1.08);
  const texts = months.map((m) => (m.aov === null ? "" : formatNumber(lang, m.aov, 2)));
  // Values go inside the column (0.75 of the step) when the longest fits, else they are left to the axis.
  const writeValues = Math.max(...texts.map((s) => s.length)) * FONT * 0.56 + 4 <= step * 0.75;
  const values = months.map((m, i) => {
    const light = partial.has(m.month);
    // A column too short to hold its number gets it written above instead.
    const inside = m.aov !== null && (m.aov / domainMax) * HEIGHT >= FONT + 8;
    return {
      key: m.month,
      value: m.aov === null ? null : round(m.aov),
      fill: light ? LIGHT : NEUTRAL,
      text: writeValues ? texts[i]! : "",
      note: m.aov === null ? t(lang, "aovMonth.noOrders") : "",
      monthText: formatMonth(lang, m.month),
      aovText: m.aov === null ? t(lang, "aovMonth.noOrders") : moneyText(ctx, m.aov),
      ordersText: formatNumber(lang, m.orders),
      ink: inside ? textColorOn(hexToRgb(light ? LIGHT : NEUTRAL)) : TEXT,
      baseline: inside ? "top" : "bottom",
    };
  });
  const x = {
    field: "key",
    type: "ordinal" as const,
    scale: { domain: keys },
    axis: { title: t(lang, "common.month"), labelAngle: bandLabelAngle(keys.length, width, 42) },
  };
  const y = {
    field: "value",
    type: "quantitative" as const,
    scale: { domain: [0, domainMax], nice: false },
    axis: { title: t(lang, "aovMonth.axis", { currency }), format: ",.2~f", tickCount: 6 },
  };
  const label = (baseline: "top" | "bottom", dy: number) => ({
    transform: [{ filter: `datum.text !== '' && datum.baseline === '${baseline}'` }],
    mark: { type: "text" as const, baseline, dy, fontSize: FONT },
    encoding: {
      x,
      y,
      text: { field: "text" },
      color: { field: "ink", type: "nominal" as const, scale: null, legend: null },
    },
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: baseConfig(lang),
    title: header(t(lang, "aovMonth.title"), t(lang, "aovMonth.subtitle")),
    width,
    height: HEIGHT,
    layer: [
      {
        data: {
          values: [{ mean: round(mean), text: [t(lang, "aovMonth.mean"), formatNumber(lang, mean, 2)] }],
        },
        layer: [
          {
            mark: { type: "rule", strokeDash: [5, 3], color: "#333333", strokeWidth: 1.2 },
            encoding: { y: { field: "mean", type: "quantitative", scale: y.scale } },
          },
          {
            mark: { type: "text", align: "left", baseline: "middle", dx: 6, color: "#333333" },
            encoding: {
              x: { value: width },
              y: { field: "mean", type: "quantitative" },
              text: { field: "text" },
            },
          },
        ],
      },
      {
        data: { values },
        layer: [
          {
            transform: [{ filter: "datum.value !== null" }],
            mark: { type: "bar", width: { band: 0.75 } },
            encoding: {
              x,
              y,
              color: { field: "fill", type: "nominal", scale: null, legend: null },
              tooltip: tooltip([
                ["monthText", t(lang, "common.month")],
                ["aovText", t(lang, "aovMonth.axis", { currency })],
                ["ordersText", t(lang, "purchases.axis")],
              ]),
            },
          },
          label("top", 4),
          label("bottom", -3),
          {
            // A month without orders has no average: its note is written upright instead of a zero.
            transform: [{ filter: "datum.value === null" }],
            mark: { type: "text", angle: 270, align: "left", baseline: "middle", dx: 6, color: NOTE_GREY },
            encoding: { x, y: { datum: 0, type: "quantitative" }, text: { field: "note" } },
          },
        ],
      },
    ],
  };
}
