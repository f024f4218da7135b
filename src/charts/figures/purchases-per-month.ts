/**
 * Purchases per calendar month: the run's orders per month (`MetricsResult.orders.aovByMonth`, every
 * order of the window). A month only partly inside the window (by activity_monthly) is drawn lighter,
 * so a short last month does not read as a drop.
 */
import { formatNumber, t } from "../../i18n/index.ts";
import { columns } from "../bars.ts";
import { emptyFigure } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";
import { NEUTRAL } from "./conversion-lag.ts";

/** `YYYY-MM` plus `k` calendar months. */
export function addMonths(month: string, k: number): string {
  const [y = 0, m = 1] = month.split("-").map(Number);
  const i = y * 12 + (m - 1) + k;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
}

export function purchasesPerMonth(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang } = ctx;
  const orders = new Map(p.analysis.metrics.orders.aovByMonth.map((m) => [m.month, m.orders]));
  if (![...orders.values()].some((n) => n > 0)) return emptyFigure(ctx, "purchases.title");
  const partial = new Set(tables.activity_monthly.filter((r) => r.partial).map((r) => r.period));
  const rows = [...orders.keys()].sort().map((month) => ({
    key: month,
    value: orders.get(month)!,
    text: formatNumber(lang, orders.get(month)!),
    partial: partial.has(month),
  }));
  return columns(ctx, rows, {
    title: t(lang, "purchases.title"),
    subtitle: t(lang, "purchases.subtitle"),
    valueTitle: t(lang, "purchases.axis"),
    keyTitle: t(lang, "common.month"),
    axisFormat: ",d",
    color: NEUTRAL,
  });
}
