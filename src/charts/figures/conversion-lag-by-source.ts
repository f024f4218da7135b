/**
 * Conversion lag by source: one 100 % bar per source split into lag buckets, sources sorted by the
 * share that buys on the first day. Segment positions are computed here so each share can be written
 * in the middle of its segment.
 */
import { formatNumber, formatPercent, type Lang, t } from "../../i18n/index.ts";
import { LAG_BUCKETS } from "../../metrics/tables.ts";
import { tooltip } from "../bars.ts";
import { inkLayers } from "../heatmap.ts";
import { hexToRgb, sourcePalette, sourceStyle, textColorOn } from "../palette.ts";
import { BAR_STEP, baseConfig, emptyFigure, flatLeftTitle, header, PLOT_WIDTH, round } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";
import { bucketLabel } from "./conversion-lag.ts";

// Fast to slow, dark to light: an ordered scale, not five unrelated hues.
export const BUCKET_COLORS = ["#08306b", "#2171b5", "#6baed6", "#a6cee3", "#dbe9f6"];

/** Colour of the lag buckets in the stacked-bar figures: dark = fast, with the shared legend. */
export function bucketColor(lang: Lang, labels: string[]) {
  return {
    field: "bucket",
    type: "nominal" as const,
    scale: { domain: labels, range: BUCKET_COLORS },
    legend: {
      title: t(lang, "lagBySource.legend"),
      orient: "bottom" as const,
      direction: "horizontal" as const,
    },
  };
}

/** A lag in days as read: minutes under an hour, hours under a day, then days. */
export function lagText(lang: Lang, days: number): string {
  const minutes = Math.round(days * 1440);
  if (minutes < 60) return t(lang, "report.unit.minutes", { value: formatNumber(lang, minutes) });
  if (days < 1) return t(lang, "report.unit.hours", { value: formatNumber(lang, minutes / 60, 1) });
  return t(lang, "report.unit.days", { value: formatNumber(lang, days, 1) });
}

export function conversionLagBySource(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang } = ctx;
  const rows = tables.conversion_lag.filter((r) => r.dimension === "source");
  if (rows.length === 0) return emptyFigure(ctx, "lagBySource.title");
  const palette = sourcePalette(p);
  const min = p.analysis.metrics.marketing.tooFewBuyersThreshold;
  const keys = [...new Set(rows.map((r) => r.key))];
  const share = (key: string, bucket: string) =>
    rows.find((r) => r.key === key && r.bucket === bucket)?.share ?? 0;
  // Buyers whose lag is measured, per source: a 100 % bar of 2 buyers must not top one of 2,000.
  const buyers = new Map(
    keys.map((k) => [k, rows.filter((r) => r.key === k).reduce((a, r) => a + r.buyers, 0)]),
  );
  const few = (k: string) => (buyers.get(k) ?? 0) < min;
  keys.sort(
    (a, b) =>
      Number(few(a)) - Number(few(b)) ||
      share(b, "0d") - share(a, "0d") ||
      palette.findIndex((s) => s.id === a) - palette.findIndex((s) => s.id === b),
  );
  const label = (k: string) =>
    t(lang, "bars.source", {
      source: sourceStyle(palette, k).label,
      buyers: formatNumber(lang, buyers.get(k) ?? 0),
    });
  // The mean and median per source (the seed's "average time to conversion per source"), written
  // after each bar and in its tooltip; from the per-buyer lags (MetricsResult.sourceNumbers).
  const averages = new Map(
    (p.analysis.metrics.sourceNumbers ?? [])
      .filter((r) => r.lagMeanDays !== null && r.lagMedianDays !== null)
      .map((r) => [
        r.source,
        t(lang, "lagBySource.meanMedian", {
          mean: lagText(lang, r.lagMeanDays!),
          median: lagText(lang, r.lagMedianDays!),
        }),
      ]),
  );
  const labels = LAG_BUCKETS.map((b) => bucketLabel(lang, b));
  const values = keys.flatMap((key) => {
    let x0 = 0;
    return LAG_BUCKETS.map((bucket, i) => {
      const s = share(key, bucket);
      const seg = {
        id: key,
        source: label(key),
        bucket: labels[i]!,
        x0: round(x0),
        x1: round(x0 + s),
        mid: round(x0 + s / 2),
        text: formatPercent(lang, s, 0),
        ink: textColorOn(hexToRgb(BUCKET_COLORS[i]!)),
        few: few(key),
        shareText: formatPercent(lang, s, 1),
        buyersText:
          formatNumber(lang, buyers.get(key) ?? 0) + (few(key) ? ` (${t(lang, "bars.tooFew")})` : ""),
        averageText: averages.get(key) ?? "",
        last: i === LAG_BUCKETS.length - 1,
      };
      x0 += s;
      return seg;
    });
  });
  const y = {
    field: "source",
    type: "nominal" as const,
    sort: keys.map(label),
    axis: flatLeftTitle(t(lang, "common.source"), keys.map(label)),
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: baseConfig(lang),
    title: header(t(lang, "lagBySource.title"), t(lang, "lagBySource.subtitle", { min })),
    width: PLOT_WIDTH,
    height: { step: BAR_STEP },
    data: { values },
    encoding: { y },
    layer: [
      {
        mark: { type: "bar", height: { band: 0.78 }, stroke: "white", strokeWidth: 1 },
        encoding: {
          x: {
            field: "x0",
            type: "quantitative",
            scale: { domain: [0, 1], nice: false },
            axis: { title: t(lang, "lag.axisShare"), format: ".0%" },
          },
          x2: { field: "x1" },
          color: bucketColor(lang, labels),
          // Sources with too few measured buyers are faded and listed last.
          opacity: { condition: { test: "datum.few", value: 0.4 }, value: 1 },
          tooltip: tooltip([
            ["source", t(lang, "common.source")],
            ["bucket", t(lang, "lagBySource.legend")],
            ["shareText", t(lang, "lag.axisShare")],
            ["buyersText", t(lang, "bars.buyers")],
            ...(averages.size > 0
              ? ([["averageText", t(lang, "lagBySource.legend")]] as [string, string][])
              : []),
          ]),
        },
      },
      ...(averages.size === 0
        ? []
        : [
            {
              transform: [{ filter: "datum.last" }],
              mark: {
                type: "text" as const,
                align: "left" as const,
                dx: 6,
                fontSize: 10.5,
                color: "#444444",
              },
              encoding: { x: { value: PLOT_WIDTH }, text: { field: "averageText" } },
            },
          ]),
      // Written only where the segment is wide enough for "55 %", at the width the plot is drawn at
      // (a phone's plot is a quarter of the natural one: charts/reflow.ts).
      ...inkLayers(10, {
        x: { field: "mid", type: "quantitative" as const },
        text: { condition: { test: "(datum.x1 - datum.x0) * width >= 40", field: "text" }, value: "" },
      }),
    ],
  };
}
