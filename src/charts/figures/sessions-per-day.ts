/**
 * Sessions per day over the window: the daily count as a thin line, a centred 7-day moving average as
 * a thick one (weekly rhythm smoothed out), partial days as hollow red points (as in the activity
 * figure; they stay out of the average) and the busiest day annotated.
 */
import { formatDate, formatNumber, type Lang, t } from "../../i18n/index.ts";
import type { ActivityRow } from "../../metrics/tables.ts";
import { tooltip } from "../bars.ts";
import { baseConfig, emptyFigure, header, PLOT_WIDTH, round, TEXT } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";
import { DAY_MS, monthTickStep, partialPoints, periodStart } from "./activity.ts";

const DAILY = "#a3afbb";
const AVERAGE = "#2f4257";
const HEIGHT = 260;
/** The moving average is drawn from two weeks of days on; shorter series are read day by day. */
const MIN_DAYS_FOR_AVERAGE = 14;

/**
 * Centred 7-day mean of complete days (partial ones would drag it down); null where fewer than four
 * complete days fall in the window, so the ends do not swing on one or two days.
 */
export function movingAverage(rows: readonly ActivityRow[]): (number | null)[] {
  const ts = rows.map((r) => periodStart(r.period));
  return rows.map((_, i) => {
    let sum = 0;
    let n = 0;
    for (let j = 0; j < rows.length; j++) {
      if (Math.abs(ts[j]! - ts[i]!) > 3 * DAY_MS || rows[j]!.partial) continue;
      sum += rows[j]!.sessions;
      n++;
    }
    return n >= 4 ? sum / n : null;
  });
}

/** Time axis: months over a long window (as in the activity figure), days of the month over a short one. */
function timeAxis(lang: Lang, from: number, to: number) {
  const short = to - from <= 62 * DAY_MS;
  return {
    title: t(lang, "common.date"),
    tickCount: short
      ? { interval: "week" as const, step: 1 }
      : { interval: "month" as const, step: monthTickStep(from, to) },
    labelExpr: short
      ? "utcFormat(datum.value, '%-d %b')"
      : "utcmonth(datum.value) === 0 || datum.index === 0 ? utcFormat(datum.value, '%b %Y') : utcFormat(datum.value, '%b')",
    // Centred first label, and only colliding labels dropped: with a flush "Jun 2017" the parity rule
    // would hide every other month, January (the one that shows the new year) among them.
    labelFlush: false,
    labelOverlap: "greedy" as const,
    gridDash: [2, 2],
  };
}

export function sessionsPerDay(p: Presentation): VegaLiteSpec {
  const { tables } = p.analysis.metrics;
  const ctx = p.context;
  const { lang } = ctx;
  const rows = [...tables.activity_daily].sort((a, b) => (a.period < b.period ? -1 : 1));
  if (rows.length === 0) return emptyFigure(ctx, "sessionsDay.title");
  const avg = rows.length >= MIN_DAYS_FOR_AVERAGE ? movingAverage(rows) : rows.map(() => null);
  const partialLabel = t(lang, "activity.partial");
  const values = rows.map((r, i) => ({
    ts: periodStart(r.period),
    sessions: r.sessions,
    avg: avg[i] === null ? null : round(avg[i]!, 2),
    partial: r.partial,
    kind: partialLabel,
    dayText: formatDate(lang, r.period),
    sessionsText: formatNumber(lang, r.sessions) + (r.partial ? ` (${partialLabel})` : ""),
    avgText: avg[i] === null ? "—" : formatNumber(lang, avg[i]!, 0),
  }));
  const tip = tooltip([
    ["dayText", t(lang, "common.date")],
    ["sessionsText", t(lang, "sessionsDay.axis")],
    ["avgText", t(lang, "sessionsDay.average")],
  ]);
  const from = values[0]!.ts;
  const to = Math.max(values[values.length - 1]!.ts, from + DAY_MS);
  const top = Math.max(...rows.map((r) => r.sessions));
  const peak = values.find((v) => v.sessions === top)!;
  // The note goes above the peak, on whichever side of it has room for the text.
  const rightSide = (peak.ts - from) / (to - from) < 0.55;
  const note = t(lang, "sessionsDay.busiest", {
    date: formatDate(lang, rows[values.indexOf(peak)]!.period),
    value: formatNumber(lang, top),
  });
  const x = {
    field: "ts",
    type: "temporal" as const,
    scale: { type: "utc" as const, domain: [from, to] },
    axis: timeAxis(lang, from, to),
  };
  const y = {
    field: "sessions",
    type: "quantitative" as const,
    // Head-room above the peak for its note.
    scale: { domain: [0, round(Math.max(top, 1) * 1.16)], nice: false },
    axis: { title: t(lang, "sessionsDay.axis"), format: ",d", tickCount: 5 },
  };
  const few = values.length <= 40;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: baseConfig(lang),
    title: header(t(lang, "sessionsDay.title"), t(lang, "sessionsDay.subtitle")),
    width: PLOT_WIDTH,
    height: HEIGHT,
    data: { values },
    layer: [
      {
        mark: {
          type: "line",
          color: DAILY,
          strokeWidth: 1,
          point: few ? { filled: true, size: 16, color: DAILY } : false,
        },
        encoding: { x, y, tooltip: tip },
      },
      ...(avg.some((a) => a !== null)
        ? [
            {
              transform: [{ filter: "datum.avg !== null" }],
              mark: { type: "line" as const, color: AVERAGE, strokeWidth: 2.2 },
              encoding: { x, y: { ...y, field: "avg" } },
            },
          ]
        : []),
      ...(values.some((v) => v.partial) ? [partialPoints(x, y, partialLabel)] : []),
      {
        data: { values: [{ ts: peak.ts, sessions: peak.sessions, text: note }] },
        layer: [
          {
            mark: { type: "point", filled: false, size: 70, strokeWidth: 1.5, color: TEXT },
            encoding: { x, y },
          },
          {
            mark: {
              type: "text",
              align: rightSide ? "left" : "right",
              baseline: "bottom",
              dx: rightSide ? -4 : 4,
              dy: -8,
              color: TEXT,
            },
            encoding: { x, y, text: { field: "text" } },
          },
        ],
      },
    ],
  };
}
