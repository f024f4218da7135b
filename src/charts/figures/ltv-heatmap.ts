/** LTV heatmap: buyer cohort × lifetime, cumulative revenue per buyer. */
import { formatNumber, t } from "../../i18n/index.ts";
import { cohortHeatmap } from "../heatmap.ts";
import type { Stop } from "../palette.ts";
import { emptyFigure } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";

// Green for money, so the LTV and retention heatmaps are not mistaken for each other side by side.
const GREENS = ["#f7fcf5", "#c7e9c0", "#74c476", "#238b45", "#00441b"];

export function ltvHeatmap(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang, currency } = ctx;
  const observed = tables.ltv.filter((r) => r.ltv !== null).map((r) => r.ltv!);
  if (observed.length === 0) return emptyFigure(ctx, "ltvHeatmap.title");
  // The ramp spans the observed range, not 0..max: LTVs of mature cohorts are close to each other and
  // a ramp from 0 would paint them all the same dark green.
  const lo = Math.min(...observed);
  const hi = Math.max(...observed) > lo ? Math.max(...observed) : lo + 1;
  const stops: Stop[] = GREENS.map((color, i) => ({
    value: lo + ((hi - lo) * i) / (GREENS.length - 1),
    color,
  }));
  return cohortHeatmap(
    ctx,
    tables.ltv.map((r) => ({ cohort: r.cohort, lifetime: r.lifetime, value: r.ltv })),
    {
      title: t(lang, "ltvHeatmap.title"),
      subtitle: `${t(lang, "ltvHeatmap.subtitle", { currency })}; ${t(lang, "common.notObserved")}`,
      cohortTitle: t(lang, "common.buyerCohort"),
      lifetimeTitle: t(lang, "common.lifetimeMonths"),
      legendTitle: t(lang, "ltv.legend", { currency }),
      legendFormat: hi >= 20 ? ",.0f" : ",.1f",
      stops,
      format: (v) => formatNumber(lang, v, 2),
    },
  );
}
