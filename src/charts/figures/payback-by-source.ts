/** Payback lifetime per source, fastest first; "not yet" and "no spend" are written, not drawn. */
import { t } from "../../i18n/index.ts";
import { type BarRow, categoryBars } from "../bars.ts";
import { sourcePalette, sourceStyle } from "../palette.ts";
import { contextLine, emptyFigure } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";
import { byValue } from "./ltv-by-source.ts";

export function paybackBySource(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang } = ctx;
  if (tables.by_source.length === 0) return emptyFigure(ctx, "paybackSource.title");
  const palette = sourcePalette(tables, lang);
  const rows: BarRow[] = tables.by_source.map((r) => {
    const s = sourceStyle(palette, r.source);
    if (r.payback_lifetime !== null) {
      return { label: s.label, value: r.payback_lifetime, text: String(r.payback_lifetime), color: s.color };
    }
    const text = r.costs === 0 || r.cac === "no_spend" ? t(lang, "romi.noSpend") : t(lang, "payback.notYet");
    return { label: s.label, value: null, text, color: s.color };
  });
  // "not yet" before "no spend": a paid source that has not paid back matters more than a free one.
  const ordered = byValue(rows, true);
  const notYet = t(lang, "payback.notYet");
  const tail = ordered.filter((r) => r.value === null);
  const sorted = [
    ...ordered.filter((r) => r.value !== null),
    ...tail.filter((r) => r.text === notYet),
    ...tail.filter((r) => r.text !== notYet),
  ];
  return categoryBars(ctx, sorted, {
    title: t(lang, "paybackSource.title"),
    subtitle: contextLine(ctx),
    valueTitle: t(lang, "payback.axis"),
    categoryTitle: t(lang, "common.source"),
    axisFormat: "d",
  });
}
