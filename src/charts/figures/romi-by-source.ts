/** ROMI at H months per source, best first, with the break-even line at 1.0. */
import { formatNumber, t } from "../../i18n/index.ts";
import { type BarRow, categoryBars } from "../bars.ts";
import { sourcePalette, sourceStyle } from "../palette.ts";
import { contextLine, emptyFigure } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";
import { byValue } from "./ltv-by-source.ts";

export function romiBySource(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang, horizon } = ctx;
  if (tables.by_source.length === 0) return emptyFigure(ctx, "romiSource.title", { horizon });
  const palette = sourcePalette(tables, lang);
  const rows: BarRow[] = tables.by_source.map((r) => {
    const s = sourceStyle(palette, r.source);
    if (r.romi_h !== null)
      return { label: s.label, value: r.romi_h, text: formatNumber(lang, r.romi_h, 2), color: s.color };
    // Null ROMI: either nothing was spent, or no cohort is old enough to judge.
    const text = r.costs === 0 || r.cac === "no_spend" ? t(lang, "romi.noSpend") : t(lang, "ltv.noMature");
    return { label: s.label, value: null, text, color: s.color };
  });
  return categoryBars(ctx, byValue(rows), {
    title: t(lang, "romiSource.title", { horizon }),
    subtitle: contextLine(ctx),
    valueTitle: t(lang, "romi.axis"),
    categoryTitle: t(lang, "common.source"),
    axisFormat: ".2~f",
    rule: { value: 1, label: t(lang, "romi.breakEven") },
  });
}
