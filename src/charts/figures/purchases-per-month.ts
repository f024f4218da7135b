/**
 * Purchases per calendar month, split into first orders (the month's new buyers, one first order
 * each) and repeat orders (every other order of the month, returning customers' included). Totals
 * are the run's orders per month (`MetricsResult.orders.aovByMonth`); new buyers per month are the
 * buyer-cohort sizes of the LTV table. A month only partly inside the window (by activity_monthly)
 * is drawn lighter, so a short last month does not read as a drop.
 */
import { formatMonth, formatNumber, t } from "../../i18n/index.ts";
import { columnsWidth, tooltip } from "../bars.ts";
import { bandLabelAngle, baseConfig, emptyFigure, header, PLOT_WIDTH } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";
import { NEUTRAL } from "./conversion-lag.ts";

/** `YYYY-MM` plus `k` calendar months. */
export function addMonths(month: string, k: number): string {
  const [y = 0, m = 1] = month.split("-").map(Number);
  const i = y * 12 + (m - 1) + k;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
}

const REPEAT = "#a9b6c6";

export function purchasesPerMonth(p: Presentation): VegaLiteSpec {
  const { tables, orders } = p.analysis.metrics;
  const ctx = p.context;
  const { lang } = ctx;
  const months = orders.aovByMonth;
  if (!months.some((m) => m.orders > 0)) return emptyFigure(ctx, "purchases.title");
  const newBuyers = new Map(tables.ltv.filter((r) => r.lifetime === 0).map((r) => [r.cohort, r.cohort_size]));
  const partial = new Set(tables.activity_monthly.filter((r) => r.partial).map((r) => r.period));
  const first = t(lang, "purchases.first");
  const repeat = t(lang, "purchases.repeat");
  const keys = months.map((m) => m.month).sort();
  const values = months.flatMap((m) => {
    const firsts = Math.min(newBuyers.get(m.month) ?? 0, m.orders);
    const tip = {
      monthText: formatMonth(lang, m.month),
      totalText: formatNumber(lang, m.orders),
      firstText: formatNumber(lang, firsts),
      repeatText: formatNumber(lang, m.orders - firsts),
    };
    return [
      { month: m.month, kind: first, order: 0, orders: firsts, partial: partial.has(m.month), ...tip },
      {
        month: m.month,
        kind: repeat,
        order: 1,
        orders: m.orders - firsts,
        partial: partial.has(m.month),
        ...tip,
      },
    ];
  });
  const width = columnsWidth(keys.length, PLOT_WIDTH - 40);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: baseConfig(lang),
    title: header(t(lang, "purchases.title"), t(lang, "purchases.subtitle")),
    width,
    height: 280,
    data: { values },
    mark: { type: "bar", width: { band: 0.75 } },
    encoding: {
      x: {
        field: "month",
        type: "ordinal",
        scale: { domain: keys },
        axis: { title: t(lang, "common.month"), labelAngle: bandLabelAngle(keys.length, width, 42) },
      },
      y: {
        field: "orders",
        type: "quantitative",
        stack: "zero",
        axis: { title: t(lang, "purchases.axis"), format: ",d" },
      },
      color: {
        field: "kind",
        type: "nominal",
        scale: { domain: [first, repeat], range: [NEUTRAL, REPEAT] },
        legend: { title: null, orient: "top" },
      },
      order: { field: "order", type: "quantitative" },
      // A month only partly in the window is lighter, so its short column does not read as a drop.
      opacity: { condition: { test: "datum.partial", value: 0.5 }, value: 1 },
      tooltip: tooltip([
        ["monthText", t(lang, "common.month")],
        ["totalText", t(lang, "purchases.axis")],
        ["firstText", first],
        ["repeatText", repeat],
      ]),
    },
  };
}
