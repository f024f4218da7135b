/** LTV at H months per source (attributed buyers of mature cohorts), highest first. */

import { formatNumber, t } from "../../i18n/index.ts";
import { categoryBars } from "../bars.ts";
import { buyersTitle, intervalLegend, matureBuyersNote, sourceBars, sourceInterval } from "../source-bars.ts";
import { contextLine, emptyFigure } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";

/** Numbers first (highest first, or lowest with `ascending`), then the rows without one, in their order. */
export function byValue<T extends { value: number | null }>(rows: T[], ascending = false): T[] {
  const known = rows
    .filter((r) => r.value !== null)
    .sort((a, b) => (ascending ? a.value! - b.value! : b.value! - a.value!));
  return [...known, ...rows.filter((r) => r.value === null)];
}

export function ltvBySource(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang, currency, horizon } = ctx;
  if (tables.by_source.length === 0) return emptyFigure(ctx, "ltvSource.title");
  const rows = sourceBars(p, "mature", (r) => ({
    value: r.ltv_h,
    text: r.ltv_h === null ? t(lang, "ltv.noMature") : formatNumber(lang, r.ltv_h, 2),
    ...(r.ltv_h === null ? {} : sourceInterval(p, r.source, "ltvH", (x) => formatNumber(lang, x, 2))),
  }));
  const ci = intervalLegend(p);
  return categoryBars(ctx, rows, {
    title: t(lang, "ltvSource.title", { horizon }),
    subtitle: [contextLine(ctx), matureBuyersNote(p), ...(ci ? [ci.note] : [])].join(" · "),
    ...(ci ? { ciTitle: ci.title } : {}),
    valueTitle: t(lang, "ltv.axis", { currency }),
    categoryTitle: t(lang, "common.source"),
    axisFormat: ",.2~f",
    buyersTitle: buyersTitle(p, "mature"),
  });
}
