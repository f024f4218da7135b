/**
 * CAC per source, most expensive first. `infinite` (spend, no buyers) leads the list and
 * `no_spend` closes it, each written out in its row: neither is a bar of 0.
 */
import { formatNumber, t } from "../../i18n/index.ts";
import { type BarRow, categoryBars } from "../bars.ts";
import { sourcePalette, sourceStyle } from "../palette.ts";
import { contextLine, emptyFigure } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";

export function cacBySource(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang, currency } = ctx;
  if (tables.by_source.length === 0) return emptyFigure(ctx, "cacSource.title");
  const palette = sourcePalette(tables, lang);
  const rank = (cac: number | string) => (cac === "infinite" ? 0 : cac === "no_spend" ? 2 : 1);
  const sorted = [...tables.by_source].sort(
    (a, b) =>
      rank(a.cac) - rank(b.cac) ||
      (typeof a.cac === "number" && typeof b.cac === "number" ? b.cac - a.cac : 0),
  );
  const rows: BarRow[] = sorted.map((r) => {
    const s = sourceStyle(palette, r.source);
    if (typeof r.cac === "number") {
      return { label: s.label, value: r.cac, text: formatNumber(lang, r.cac, 2), color: s.color };
    }
    const text = t(lang, r.cac === "infinite" ? "cac.infinite" : "cac.noSpend");
    return { label: s.label, value: null, text, color: s.color };
  });
  return categoryBars(ctx, rows, {
    title: t(lang, "cacSource.title"),
    subtitle: contextLine(ctx),
    valueTitle: t(lang, "cac.axis", { currency }),
    categoryTitle: t(lang, "common.source"),
    axisFormat: ",.2~f",
  });
}
