/** ROMI at H months per source, best first, with the break-even line at 1.0. */

import type { Lang } from "../../i18n/index.ts";
import { formatNumber, t } from "../../i18n/index.ts";
import type { BySourceRow } from "../../metrics/tables.ts";
import { categoryBars } from "../bars.ts";
import {
  buyersTitle,
  intervalLegend,
  isOrganic,
  matureBuyersNote,
  type SourceValue,
  sourceBars,
  sourceInterval,
} from "../source-bars.ts";
import { contextLine, emptyFigure } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";

export function romiBySource(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang, horizon } = ctx;
  if (tables.by_source.length === 0) return emptyFigure(ctx, "romiSource.title", { horizon });
  const rows = sourceBars(p, "mature", (r) => ({
    ...romiValue(lang, r),
    ...(r.romi_h === null ? {} : sourceInterval(p, r.source, "romiH", (x) => formatNumber(lang, x, 2))),
  }));
  const ci = intervalLegend(p);
  return categoryBars(ctx, rows, {
    title: t(lang, "romiSource.title", { horizon }),
    subtitle: [contextLine(ctx), matureBuyersNote(p), ...(ci ? [ci.note] : [])].join(" · "),
    ...(ci ? { ciTitle: ci.title } : {}),
    valueTitle: t(lang, "romi.axis"),
    categoryTitle: t(lang, "common.source"),
    axisFormat: ".2~f",
    rule: { value: 1, label: t(lang, "romi.breakEven") },
    buyersTitle: buyersTitle(p, "mature"),
  });
}

/** ROMI, or why there is none: withheld under a device filter, no spend, or no cohort old enough. */
function romiValue(lang: Lang, r: BySourceRow): SourceValue {
  if (r.romi_h !== null) return { value: r.romi_h, text: formatNumber(lang, r.romi_h, 2) };
  if (r.cac === "not_applicable") return { value: null, text: t(lang, "cac.notApplicable") };
  if (isOrganic(r)) return { value: null, text: t(lang, "bars.organic") };
  return { value: null, text: t(lang, "ltv.noMature") };
}
