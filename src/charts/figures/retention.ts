/**
 * Retention heatmap: acquisition cohort × lifetime, the share of the cohort that came back. Weekly
 * cohorts show their first WEEKS_SHOWN weeks only (a 53 × 53 grid has no room for a number), and a
 * cohort whose week is cut by the period's edge is starred.
 */
import { formatPercent, t } from "../../i18n/index.ts";
import { cohortHeatmap } from "../heatmap.ts";
import type { Stop } from "../palette.ts";
import { emptyFigure } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";

const BLUES = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"];
/** Weeks of life a weekly heatmap shows: a quarter, wide enough cells for their percentages. */
const WEEKS_SHOWN = 12;

export function retention(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang } = ctx;
  const weekly = tables.retention[0]?.cohort.length === 10;
  const rows = weekly ? tables.retention.filter((r) => r.lifetime < WEEKS_SHOWN) : tables.retention;
  if (!rows.some((r) => r.retention !== null)) return emptyFigure(ctx, "retention.title");
  // Lifetime 0 is 100 % by definition; scaling the colours to it would wash out every later cell,
  // so the ramp spans lifetimes 1+ and lifetime 0 takes the darkest colour (the scale clamps).
  const later = rows.filter((r) => r.lifetime > 0 && r.retention !== null).map((r) => r.retention!);
  const top = Math.max(0, ...later) || 1;
  const stops: Stop[] = BLUES.map((color, i) => ({ value: (top * i) / (BLUES.length - 1), color }));
  // A cohort week cut by the period's edge holds only part of a week's newcomers: star it.
  const partial = new Set(weekly ? tables.activity_weekly.filter((r) => r.partial).map((r) => r.period) : []);
  const label = (cohort: string) => (partial.has(cohort) ? `${cohort} *` : cohort);
  const notes = [
    t(lang, "retention.subtitle"),
    t(lang, "common.notObserved"),
    ...(weekly ? [t(lang, "retention.firstWeeks", { weeks: WEEKS_SHOWN })] : []),
    ...(partial.size > 0 ? [t(lang, "retention.partialWeek")] : []),
  ];
  return cohortHeatmap(
    ctx,
    rows.map((r) => ({ cohort: label(r.cohort), lifetime: r.lifetime, value: r.retention })),
    {
      title: t(lang, "retention.title"),
      subtitle: notes.join("; "),
      cohortTitle: t(lang, weekly ? "common.visitCohortWeek" : "common.visitCohortMonth"),
      lifetimeTitle: t(lang, weekly ? "common.lifetimeWeeks" : "common.lifetimeMonths"),
      legendTitle: t(lang, "retention.legend"),
      legendFormat: top < 0.1 ? ".1%" : ".0%",
      stops,
      // Whole percent from 10 % up ("100 %" fits a cell, "100,0 %" does not); a decimal below.
      format: (v) => formatPercent(lang, v, v >= 0.1 ? 0 : 1),
    },
  );
}
