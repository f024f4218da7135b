/**
 * Session length: a histogram in 1-minute bins up to an hour, then the open "60+" bin drawn apart
 * after a gap (it is not one minute wide), with the mean (ASL), median and mode marked by rules and
 * written above the bars, each on its own row so close values do not collide. Reads
 * `MetricsResult.sessions`.
 */
import { formatNumber, type Lang, type MessageKey, t } from "../../i18n/index.ts";
import { tooltip } from "../bars.ts";
import { baseConfig, emptyFigure, header, PLOT_WIDTH, round } from "../theme.ts";
import type { Presentation, VegaLiteSpec } from "../types.ts";
import { NEUTRAL } from "./conversion-lag.ts";

const HEIGHT = 280;
/** The open bin sits from 61 to 63 min: one empty minute of gap after the last closed bin. */
const OPEN_FROM = 61;
const OPEN_TO = 63;
const ROW_PX = 15;
const MARKERS: { key: "meanS" | "medianS" | "modeS"; label: MessageKey; color: string; dash: number[] }[] = [
  { key: "modeS", label: "sessionLength.mode", color: "#1a1a1a", dash: [2, 2] },
  { key: "medianS", label: "sessionLength.median", color: "#2166ac", dash: [6, 3] },
  { key: "meanS", label: "sessionLength.mean", color: "#b2182b", dash: [] },
];

/** A length for a label: `45 s`, `5 min`, `10.7 min` (ru `10,7 мин`). */
export function lengthText(lang: Lang, seconds: number): string {
  if (seconds < 60) return t(lang, "report.unit.seconds", { value: formatNumber(lang, Math.round(seconds)) });
  const minutes = seconds / 60;
  const digits = Math.abs(minutes - Math.round(minutes)) < 0.05 ? 0 : 1;
  return t(lang, "report.unit.minutes", { value: formatNumber(lang, minutes, digits) });
}

export function sessionLength(p: Presentation): VegaLiteSpec {
  const ctx = p.context;
  const { lang } = ctx;
  const stats = p.analysis.metrics.sessions;
  const bins = stats.histogram;
  if (!bins.some((b) => b.sessions > 0)) return emptyFigure(ctx, "sessionLength.title");
  const values = bins.map((b) => {
    const open = b.toS === null;
    return {
      from: open ? OPEN_FROM : b.fromS / 60,
      to: open ? OPEN_TO : b.toS! / 60,
      sessions: b.sessions,
      open,
      binText: open
        ? t(lang, "sessionLength.openBin")
        : t(lang, "sessionLength.bin", { from: b.fromS / 60, to: b.toS! / 60 }),
      sessionsText: formatNumber(lang, b.sessions),
    };
  });
  const top = Math.max(...values.map((v) => v.sessions));
  // Rules sorted left to right, label i on row i from the top and each rule drawn only from its own
  // row down: a label (written right of its rule) is never crossed by a rule further left.
  const markers = MARKERS.flatMap((m) => {
    const s = stats[m.key];
    if (s === null || s === undefined || !Number.isFinite(s)) return [];
    const at = round(Math.min(s / 60, 60), 3);
    const text = t(lang, m.label, { value: lengthText(lang, s) });
    // Near the right edge the label turns to the left of its rule (about 6 px per character).
    const left = (at / OPEN_TO) * PLOT_WIDTH + 4 + text.length * 6 > PLOT_WIDTH;
    return [{ ...m, at, text, left }];
  }).sort((a, b) => a.at - b.at);
  const rows = markers.length;
  const headroom = (rows * ROW_PX + 10) / HEIGHT;
  const x = {
    type: "quantitative" as const,
    scale: { domain: [0, OPEN_TO], nice: false },
    axis: {
      title: t(lang, "sessionLength.axis"),
      values: [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, (OPEN_FROM + OPEN_TO) / 2],
      labelExpr: `datum.value > 60 ? '60+' : datum.label`,
      grid: false,
    },
  };
  const y = {
    field: "sessions",
    type: "quantitative" as const,
    scale: { domain: [0, round(top / (1 - headroom))], nice: false },
    axis: { title: t(lang, "sessionLength.axisSessions"), format: ",d", tickCount: 5 },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: baseConfig(lang),
    title: header(t(lang, "sessionLength.title"), t(lang, "sessionLength.subtitle")),
    width: PLOT_WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values },
        mark: { type: "rect", stroke: "white", strokeWidth: 0.5 },
        encoding: {
          x: { ...x, field: "from" },
          x2: { field: "to" },
          y,
          y2: { datum: 0 },
          tooltip: tooltip([
            ["binText", t(lang, "sessionLength.axis")],
            ["sessionsText", t(lang, "sessionLength.axisSessions")],
          ]),
          color: {
            field: "open",
            type: "nominal",
            scale: { domain: [false, true], range: [NEUTRAL, "#9aa6b4"] },
            legend: null,
          },
        },
      },
      ...markers.map((m, i) => ({
        data: { values: [{ at: m.at, text: m.text }] },
        layer: [
          {
            mark: { type: "rule" as const, color: m.color, strokeWidth: 1.5, strokeDash: m.dash },
            encoding: { x: { ...x, field: "at" }, y: { value: 1 + i * ROW_PX }, y2: { value: HEIGHT } },
          },
          {
            mark: {
              type: "text" as const,
              align: m.left ? ("right" as const) : ("left" as const),
              baseline: "top" as const,
              dx: m.left ? -4 : 4,
              y: 2 + i * ROW_PX,
              color: m.color,
            },
            encoding: { x: { ...x, field: "at" }, text: { field: "text" } },
          },
        ],
      })),
    ],
  };
}
