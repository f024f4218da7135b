/**
 * Average order value by month of a buyer cohort's life (the seed's "average check in month 7"):
 * for month k+1, revenue / orders of every buyer cohort that reached lifetime k, pooled. Later months
 * rest on fewer, older cohorts: a month with fewer than three is drawn lighter, and the tooltip says
 * how many.
 */
import { formatNumber, t } from "../../i18n/index.ts";
import { moneyText } from "../../insights/phrases.ts";
import { columns } from "../bars.ts";
import { emptyFigure } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";
import { NEUTRAL } from "./conversion-lag.ts";

/** Months resting on fewer cohorts than this are drawn lighter. */
const MIN_COHORTS = 3;

export function aovByLifetime(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang, currency } = ctx;
  const byLifetime = new Map<number, { orders: number; revenue: number; cohorts: number }>();
  for (const r of tables.orders_by_cohort) {
    const cell = byLifetime.get(r.lifetime) ?? { orders: 0, revenue: 0, cohorts: 0 };
    cell.orders += r.orders;
    cell.revenue += r.revenue;
    cell.cohorts += 1;
    byLifetime.set(r.lifetime, cell);
  }
  const rows = [...byLifetime.entries()]
    .filter(([, c]) => c.orders > 0)
    .sort(([a], [b]) => a - b)
    .map(([lifetime, c]) => ({
      // Month 1 is the month of the first purchase (lifetime 0).
      key: String(lifetime + 1),
      value: c.revenue / c.orders,
      text: formatNumber(lang, c.revenue / c.orders, 2),
      aovText: moneyText(ctx, c.revenue / c.orders),
      // Few cohorts behind a month (the oldest months): drawn lighter, it is one cohort's story.
      partial: c.cohorts < MIN_COHORTS,
      cohortsText: t(lang, "aovLifetime.cohorts", { cohorts: formatNumber(lang, c.cohorts) }),
    }));
  if (rows.length === 0) return emptyFigure(ctx, "aovLifetime.title");
  return columns(ctx, rows, {
    title: t(lang, "aovLifetime.title"),
    subtitle: t(lang, "aovLifetime.subtitle"),
    valueTitle: t(lang, "aovMonth.axis", { currency }),
    keyTitle: t(lang, "aovLifetime.axis"),
    axisFormat: ",.2~f",
    color: NEUTRAL,
    tooltipExtra: [
      ["aovText", t(lang, "aovMonth.axis", { currency })],
      ["cohortsText", t(lang, "aovLifetime.cohortsTitle")],
    ],
  });
}
