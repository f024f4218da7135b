/**
 * The figure registry: every figure is a pure function of a `Presentation` (the analysis and the run
 * context it is shown in). Apart from index.ts so that the batch
 * renderer can use it without loading Vega on the main thread (the figures render on workers).
 */
import { activity } from "./figures/activity.ts";
import { aovByLifetime } from "./figures/aov-by-lifetime.ts";
import { aovByMonth } from "./figures/aov-by-month.ts";
import { cacByCohort } from "./figures/cac-by-cohort.ts";
import { cacBySource } from "./figures/cac-by-source.ts";
import { conversionLag } from "./figures/conversion-lag.ts";
import { conversionLagByCohort } from "./figures/conversion-lag-by-cohort.ts";
import { conversionLagBySource } from "./figures/conversion-lag-by-source.ts";
import { ltvByDevice } from "./figures/ltv-by-device.ts";
import { ltvBySource } from "./figures/ltv-by-source.ts";
import { ltvCurves } from "./figures/ltv-curves.ts";
import { ltvHeatmap } from "./figures/ltv-heatmap.ts";
import { paybackBySource } from "./figures/payback-by-source.ts";
import { purchasesPerMonth } from "./figures/purchases-per-month.ts";
import { retention } from "./figures/retention.ts";
import { romiBySource } from "./figures/romi-by-source.ts";
import { romiHeatmap } from "./figures/romi-heatmap.ts";
import { sessionLength } from "./figures/session-length.ts";
import { sessionsPerDay } from "./figures/sessions-per-day.ts";
import { spendBySource } from "./figures/spend-by-source.ts";
import type { FigureBuilder } from "./types.ts";

/** Every figure by file name, in the order a report tells the story: product, orders, money. */
export const FIGURES = {
  activity,
  "sessions-per-day": sessionsPerDay,
  "session-length": sessionLength,
  retention,
  "conversion-lag": conversionLag,
  "conversion-lag-by-source": conversionLagBySource,
  "conversion-lag-by-cohort": conversionLagByCohort,
  "purchases-per-month": purchasesPerMonth,
  "aov-by-month": aovByMonth,
  "aov-by-lifetime": aovByLifetime,
  "ltv-heatmap": ltvHeatmap,
  "ltv-curves": ltvCurves,
  "ltv-by-source": ltvBySource,
  "ltv-by-device": ltvByDevice,
  "spend-by-source": spendBySource,
  "cac-by-source": cacBySource,
  "cac-by-cohort": cacByCohort,
  "romi-heatmap": romiHeatmap,
  "romi-by-source": romiBySource,
  "payback-by-source": paybackBySource,
} satisfies Record<string, FigureBuilder>;

export type FigureName = keyof typeof FIGURES;
export const FIGURE_NAMES = Object.keys(FIGURES) as FigureName[];
