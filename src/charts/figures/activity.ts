/**
 * DAU, WAU and MAU over time: three stacked panels on one time axis (their scales differ tenfold).
 * Partial periods (cut by the window's edges) are hollow red points; the dashed line is the mean over
 * complete periods, as in the headline numbers.
 */
import { formatDate, formatMonth, formatNumber, type MessageKey, t } from "../../i18n/index.ts";
import type { ActivityRow } from "../../metrics/tables.ts";
import { tooltip } from "../bars.ts";
import { baseConfig, emptyFigure, header, PLOT_WIDTH } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";

const LINE = "#4e5d6c";
export const PARTIAL = "#d62728";
export const DAY_MS = 86_400_000;

/** Period start (`YYYY-MM-DD` or `YYYY-MM`) as UTC epoch ms, so no local time zone shifts a day. */
export function periodStart(period: string): number {
  const [y = 0, m = 1, d = 1] = period.split("-").map(Number);
  return Date.UTC(y, m - 1, d);
}

/** Roughly one month label per 45 px (a short month name is about 25 px); January labels carry the year. */
/**
 * The layer that rings partial periods (only partly inside the window) in red, with a legend entry
 * `partialLabel`; the data rows carry `partial` and `kind` (= partialLabel).
 */
export function partialPoints<X, Y>(x: X, y: Y, partialLabel: string) {
  return {
    transform: [{ filter: "datum.partial" }],
    mark: { type: "point" as const, filled: false, size: 46, strokeWidth: 2 },
    encoding: {
      x,
      y,
      color: {
        field: "kind",
        type: "nominal" as const,
        scale: { domain: [partialLabel], range: [PARTIAL] },
        legend: { title: null, orient: "bottom" as const, symbolType: "circle" },
      },
    },
  };
}

export function monthTickStep(fromMs: number, toMs: number): number {
  const months = (toMs - fromMs) / (30.4 * DAY_MS);
  return Math.max(1, Math.ceil(months / (PLOT_WIDTH / 45)));
}

export function activity(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang } = ctx;
  const { activity: headline } = p.analysis.metrics;
  // The dashed line is the run's headline mean (MetricsResult.activity), not recomputed here.
  const series: { key: MessageKey; rows: ActivityRow[]; mean: number | null }[] = [
    { key: "activity.dau" as const, rows: tables.activity_daily, mean: headline.dau.mean },
    { key: "activity.wau" as const, rows: tables.activity_weekly, mean: headline.wau.mean },
    { key: "activity.mau" as const, rows: tables.activity_monthly, mean: headline.mau.mean },
  ].filter((s) => s.rows.length > 0);
  if (series.length === 0) return emptyFigure(ctx, "activity.title");

  const all = series.flatMap((s) => s.rows.map((r) => periodStart(r.period)));
  const from = Math.min(...all);
  const to = Math.max(...all, from + DAY_MS);
  const partialLabel = t(lang, "activity.partial");
  const step = monthTickStep(from, to);
  const panels = series.map((s, i) => {
    const last = i === series.length - 1;
    const values = s.rows.map((r) => ({
      ts: periodStart(r.period),
      users: r.users,
      partial: r.partial,
      kind: partialLabel,
      periodText: r.period.length === 7 ? formatMonth(lang, r.period) : formatDate(lang, r.period),
      usersText: formatNumber(lang, r.users) + (r.partial ? ` (${partialLabel})` : ""),
    }));
    const { mean } = s;
    const x = {
      field: "ts",
      type: "temporal" as const,
      scale: { type: "utc" as const, domain: [from, to] },
      axis: {
        title: last ? t(lang, "common.date") : null,
        labels: last,
        tickCount: { interval: "month" as const, step },
        // Month names; the year only on January and on the first label.
        labelExpr:
          "utcmonth(datum.value) === 0 || datum.index === 0 ? utcFormat(datum.value, '%b %Y') : utcFormat(datum.value, '%b')",
        labelOverlap: true,
        gridDash: [2, 2],
      },
    };
    const y = {
      field: "users",
      type: "quantitative" as const,
      scale: { zero: true, nice: true },
      axis: {
        title: t(lang, s.key),
        format: ",d",
        tickCount: 4,
        titleAngle: 0,
        titleAlign: "left" as const,
        titleY: -10,
        titleX: 0,
      },
    };
    return {
      width: PLOT_WIDTH,
      height: 120,
      data: { values },
      layer: [
        {
          // Points too when there are few periods: a single month would otherwise draw nothing.
          mark: {
            type: "line" as const,
            color: LINE,
            strokeWidth: 1.5,
            point: values.length <= 40 ? { filled: true, size: 18, color: LINE } : false,
          },
          encoding: {
            x,
            y,
            tooltip: tooltip([
              ["periodText", t(lang, i === 0 ? "common.date" : i === 1 ? "common.week" : "common.month")],
              ["usersText", t(lang, s.key)],
            ]),
          },
        },
        partialPoints(x, y, partialLabel),
        ...(mean === null
          ? []
          : [
              {
                data: {
                  values: [{ mean, text: t(lang, "activity.mean", { value: formatNumber(lang, mean) }) }],
                },
                layer: [
                  {
                    mark: { type: "rule" as const, strokeDash: [5, 4], color: "#888888" },
                    encoding: { y: { field: "mean", type: "quantitative" as const } },
                  },
                  {
                    mark: {
                      type: "text" as const,
                      align: "left" as const,
                      baseline: "middle" as const,
                      dx: 6,
                      color: "#555555",
                    },
                    encoding: {
                      x: { value: PLOT_WIDTH },
                      y: { field: "mean", type: "quantitative" as const },
                      text: { field: "text" },
                    },
                  },
                ],
              },
            ]),
      ],
    };
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: baseConfig(lang),
    title: header(t(lang, "activity.title"), t(lang, "activity.subtitle")),
    spacing: 26,
    vconcat: panels,
    resolve: { scale: { color: "shared" } },
  };
}
