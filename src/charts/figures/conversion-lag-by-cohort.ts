/**
 * Conversion lag by acquisition cohort: one 100 % bar per cohort (month or week of first visit, in
 * calendar order, never re-sorted) split into the five lag buckets in lag order, in the same
 * sequential blues as the by-source figure; the cohort's measured buyers are written at the right, so
 * a thin late cohort is not read like a full one. A cohort whose last members have been watched for
 * fewer than 31 days before the window ends cannot show its slow buyers yet (right-censored): it is
 * drawn faded and its count is marked, so nobody reads its tall "same day" share as a change.
 */
import { formatNumber, formatPercent, t } from "../../i18n/index.ts";
import { LAG_BUCKETS } from "../../metrics/tables.ts";
import { tooltip } from "../bars.ts";
import { inkLayers } from "../heatmap.ts";
import { hexToRgb, NOTE_GREY, textColorOn } from "../palette.ts";
import { BAR_STEP, baseConfig, emptyFigure, flatLeftTitle, header, PLOT_WIDTH, round } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";
import { bucketLabel } from "./conversion-lag.ts";
import { BUCKET_COLORS, bucketColor } from "./conversion-lag-by-source.ts";

/** Tallest the bars get in all (weekly cohorts: about 53 rows). */
const MAX_HEIGHT = 620;
/** Room at the right of the bars for the buyer counts. */
const COUNT_ROOM = 64;
/** The lower bound of the last lag bucket (`31+d`): every lag shorter than this must be observable. */
const LONGEST_BUCKET_DAYS = 31;
const DAY_MS = 86_400_000;

/** The day after a cohort period (`YYYY-MM` month or `YYYY-MM-DD` week), as epoch ms. */
function cohortEnd(cohort: string): number {
  const [y = 0, m = 1, d = 1] = cohort.split("-").map(Number);
  return cohort.length === 7 ? Date.UTC(y, m, 1) : Date.UTC(y, m - 1, d) + 7 * DAY_MS;
}

/** Cohorts whose youngest members had fewer than 31 days before `to`: their later buckets are cut. */
export function censoredCohorts(cohorts: readonly string[], to: string): Set<string> {
  const end = Date.parse(`${to}T00:00:00Z`);
  return new Set(cohorts.filter((c) => cohortEnd(c) + LONGEST_BUCKET_DAYS * DAY_MS > end));
}

export function conversionLagByCohort(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang } = ctx;
  const rows = tables.conversion_lag.filter((r) => r.dimension === "cohort");
  if (rows.length === 0) return emptyFigure(ctx, "lagByCohort.title");
  const cohorts = [...new Set(rows.map((r) => r.key))].sort();
  const weekly = cohorts.some((c) => c.length > 7);
  const step = Math.max(11, Math.min(BAR_STEP, Math.floor(MAX_HEIGHT / cohorts.length)));
  const width = PLOT_WIDTH - COUNT_ROOM;
  const labels = LAG_BUCKETS.map((b) => bucketLabel(lang, b));
  const censored = censoredCohorts(cohorts, ctx.to);
  const young = t(lang, "lagByCohort.censored");
  const cohortTitle = t(lang, weekly ? "common.visitCohortWeek" : "common.visitCohortMonth");
  const values = cohorts.flatMap((cohort) => {
    const mine = rows.filter((r) => r.key === cohort);
    const total = mine.reduce((a, r) => a + r.buyers, 0);
    let x0 = 0;
    return LAG_BUCKETS.map((bucket, i) => {
      const raw = mine.find((r) => r.bucket === bucket)?.share ?? 0;
      const s = Number.isFinite(raw) ? raw : 0;
      const seg = {
        cohort,
        bucket: labels[i]!,
        x0: round(x0),
        x1: round(x0 + s),
        mid: round(x0 + s / 2),
        // Written only where the row is tall enough and the segment wide enough for "55 %".
        text: step >= 16 && s * width >= 40 ? formatPercent(lang, s, 0) : "",
        ink: textColorOn(hexToRgb(BUCKET_COLORS[i]!)),
        // The buyer count is drawn once per cohort, from its first segment; * marks a censored cohort.
        label: i === 0 ? `${formatNumber(lang, total)}${censored.has(cohort) ? " *" : ""}` : "",
        censored: censored.has(cohort),
        shareText: formatPercent(lang, s, 1),
        buyersText: formatNumber(lang, total) + (censored.has(cohort) ? ` (${young})` : ""),
      };
      x0 += s;
      return seg;
    });
  });
  const y = {
    field: "cohort",
    type: "ordinal" as const,
    scale: { domain: cohorts },
    axis: {
      ...flatLeftTitle(cohortTitle, cohorts),
      labelFontSize: step < 14 ? 9 : 11,
    },
  };
  const x = {
    field: "x0",
    type: "quantitative" as const,
    scale: { domain: [0, 1], nice: false },
    axis: { title: t(lang, "lag.axisShare"), format: ".0%" },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: baseConfig(lang),
    title: header(
      t(lang, "lagByCohort.title"),
      censored.size > 0 ? `${t(lang, "lagByCohort.subtitle")}. * ${young}` : t(lang, "lagByCohort.subtitle"),
    ),
    width,
    height: { step },
    data: { values },
    encoding: { y },
    layer: [
      {
        mark: { type: "bar", height: { band: 0.8 }, stroke: "white", strokeWidth: step < 14 ? 0.5 : 1 },
        encoding: {
          x,
          x2: { field: "x1" },
          color: bucketColor(lang, labels),
          opacity: { condition: { test: "datum.censored", value: 0.4 }, value: 1 },
          tooltip: tooltip([
            ["cohort", cohortTitle],
            ["bucket", t(lang, "lagBySource.legend")],
            ["shareText", t(lang, "lag.axisShare")],
            ["buyersText", t(lang, "bars.buyers")],
          ]),
        },
      },
      ...inkLayers(10, { x: { field: "mid", type: "quantitative" as const }, text: { field: "text" } }),
      {
        transform: [{ filter: "datum.label !== ''" }],
        mark: {
          type: "text",
          align: "left",
          baseline: "middle",
          dx: 6,
          color: NOTE_GREY,
          fontSize: step < 14 ? 9 : 10.5,
        },
        encoding: { x: { datum: 1, type: "quantitative" }, text: { field: "label" } },
      },
    ],
  };
}
