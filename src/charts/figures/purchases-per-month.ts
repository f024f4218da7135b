/**
 * Purchases per calendar month: orders of every buyer cohort, summed on the month they fall in
 * (cohort month + lifetime). A month only partly inside the window (by activity_monthly) is drawn
 * lighter, so a short last month does not read as a drop.
 */
import { formatNumber, t } from "../../i18n/index.ts";
import type { Tables } from "../../metrics/tables.ts";
import { columns } from "../bars.ts";
import { emptyFigure } from "../theme.ts";
import type { FigureContext, VegaLiteSpec } from "../types.ts";
import { NEUTRAL } from "./conversion-lag.ts";

/** `YYYY-MM` plus `k` calendar months. */
export function addMonths(month: string, k: number): string {
  const [y = 0, m = 1] = month.split("-").map(Number);
  const i = y * 12 + (m - 1) + k;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
}

export function purchasesPerMonth(tables: Tables, ctx: FigureContext): VegaLiteSpec {
  const { lang } = ctx;
  const orders = new Map<string, number>();
  for (const r of tables.orders_by_cohort) {
    const month = addMonths(r.cohort, r.lifetime);
    orders.set(month, (orders.get(month) ?? 0) + r.orders);
  }
  if (orders.size === 0) return emptyFigure(ctx, "purchases.title");
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
