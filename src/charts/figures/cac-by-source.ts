/**
 * CAC per source, most expensive first. `infinite` (spend, no buyers) leads the list and
 * `no_spend` closes it, each written out in its row: neither is a bar of 0.
 */

import { formatNumber, t } from "../../i18n/index.ts";
import type { BySourceRow } from "../../metrics/tables.ts";
import { type BarRow, categoryBars } from "../bars.ts";
import { buyersTitle, intervalLegend, type SourceValue, sourceBars, sourceInterval } from "../source-bars.ts";
import { attributionLine, emptyFigure } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";

export function cacBySource(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang, currency } = ctx;
  if (tables.by_source.length === 0) return emptyFigure(ctx, "cacSource.title");
  // Spend without buyers (∞) leads, the numbers follow from the most expensive, words close the list.
  const rank = (b: BarRow) => (b.text === infinite ? 0 : b.value !== null ? 1 : 2);
  const infinite = t(lang, "cac.infinite");
  const value = (r: BySourceRow): SourceValue => {
    if (typeof r.cac === "number")
      return {
        value: r.cac,
        text: formatNumber(lang, r.cac, 2),
        ...sourceInterval(p, r.source, "cac", (x) => formatNumber(lang, x, 2)),
      };
    if (r.cac === "infinite") return { value: null, text: infinite };
    if (r.cac === "not_applicable") return { value: null, text: t(lang, "cac.notApplicable") };
    return { value: null, text: t(lang, "bars.organic") };
  };
  const rows = sourceBars(p, "all", value, { group: rank });
  const ci = intervalLegend(p);
  return categoryBars(ctx, rows, {
    title: t(lang, "cacSource.title"),
    // CAC = spend / buyers: it does not depend on the horizon, so the subtitle names only the model.
    subtitle: ci ? `${attributionLine(ctx)} · ${ci.note}` : attributionLine(ctx),
    ...(ci ? { ciTitle: ci.title } : {}),
    valueTitle: t(lang, "cac.axis", { currency }),
    categoryTitle: t(lang, "common.source"),
    axisFormat: ",.2~f",
    buyersTitle: buyersTitle(p, "all"),
  });
}
