/** Payback lifetime per source, fastest first; "not yet" and "no spend" are written, not drawn. */

import { t } from "../../i18n/index.ts";
import type { BySourceRow } from "../../metrics/tables.ts";
import { type BarRow, categoryBars } from "../bars.ts";
import { buyersTitle, isOrganic, matureBuyersNote, type SourceValue, sourceBars } from "../source-bars.ts";
import { contextLine, emptyFigure } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";

export function paybackBySource(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang } = ctx;
  if (tables.by_source.length === 0) return emptyFigure(ctx, "paybackSource.title");
  const notYet = t(lang, "payback.notYet");
  // A bar is the months a reader counts: payback in lifetime k is "within k+1 months".
  const value = (r: BySourceRow): SourceValue => {
    if (r.payback_lifetime !== null) {
      const months = r.payback_lifetime + 1;
      const text = months === 1 ? t(lang, "payback.first") : t(lang, "payback.within", { months });
      return { value: months, text };
    }
    if (r.cac === "not_applicable") return { value: null, text: t(lang, "cac.notApplicable") };
    return { value: null, text: isOrganic(r) ? t(lang, "bars.organic") : notYet };
  };
  // "not yet" before "organic": a paid source that has not paid back matters more than a free one.
  const rank = (b: BarRow) => (b.value !== null ? 0 : b.text.startsWith(notYet) ? 1 : 2);
  const rows = sourceBars(p, "mature", value, { group: rank, ascending: true });
  const { horizon } = ctx;
  return categoryBars(ctx, rows, {
    title: t(lang, "paybackSource.title"),
    subtitle: `${contextLine(ctx)} · ${matureBuyersNote(p)}`,
    valueTitle: t(lang, "payback.axis"),
    categoryTitle: t(lang, "common.source"),
    axisFormat: "d",
    rule: { value: horizon, label: `H = ${horizon}` },
    buyersTitle: buyersTitle(p, "mature"),
  });
}
