/** Cumulative ROMI heatmap: buyer cohort × lifetime, diverging around break-even (1.0). */
import { formatNumber, t } from "../../i18n/index.ts";
import { cohortHeatmap } from "../heatmap.ts";
import type { Stop } from "../palette.ts";
import { emptyFigure } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";

/** Red below 1 (not paid back), white at 1, blue above (a colour-blind-safe pair, ColorBrewer RdBu). */
function romiStops(top: number): Stop[] {
  const hi = Math.max(2, top);
  return [
    { value: 0, color: "#b2182b" },
    { value: 0.5, color: "#ef8a62" },
    { value: 0.85, color: "#fddbc7" },
    { value: 1, color: "#f7f7f7" },
    { value: 1 + (hi - 1) * 0.25, color: "#d1e5f0" },
    { value: 1 + (hi - 1) * 0.6, color: "#67a9cf" },
    { value: hi, color: "#2166ac" },
  ];
}

export function romiHeatmap(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang } = ctx;
  const observed = tables.romi_by_cohort.filter((r) => r.romi !== null).map((r) => r.romi!);
  if (observed.length === 0) return emptyFigure(ctx, "romiHeatmap.title");
  return cohortHeatmap(
    ctx,
    tables.romi_by_cohort.map((r) => ({ cohort: r.cohort, lifetime: r.lifetime, value: r.romi })),
    {
      title: t(lang, "romiHeatmap.title"),
      subtitle: `${t(lang, "romiHeatmap.subtitle")}; ${t(lang, "romiHeatmap.blank")}`,
      cohortTitle: t(lang, "common.buyerCohort"),
      lifetimeTitle: t(lang, "common.lifetimeMonths"),
      legendTitle: "ROMI",
      legendFormat: ".1f",
      stops: romiStops(Math.max(...observed)),
      format: (v) => formatNumber(lang, v, 2),
    },
  );
}
