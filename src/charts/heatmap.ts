/**
 * The cohort × lifetime heatmap behind retention, LTV and ROMI: one row per cohort, one column per
 * lifetime, the value written in each cell in a colour that stays readable on it. Unobserved cells
 * are left out, so they stay blank instead of looking like a zero.
 */

import { tooltip } from "./bars.ts";
import { colorAt, INKS, type Stop, textColorOn } from "./palette.ts";
import { baseConfig, flatLeftTitle, header } from "./theme.ts";
import type { RunContext, VegaLiteSpec } from "./types.ts";

export interface HeatCell {
  cohort: string;
  lifetime: number;
  /** null: unobserved (drawn blank). */
  value: number | null;
}

export interface HeatmapOptions {
  title: string;
  subtitle: string;
  cohortTitle: string;
  lifetimeTitle: string;
  legendTitle: string;
  /** d3 format of the legend's labels, e.g. `.0%`. */
  legendFormat: string;
  /** Colour ramp; values beyond the ends take the end colours. */
  stops: Stop[];
  /** Cell annotation text. */
  format: (value: number) => string;
}

const MAX_HEIGHT = 620;
/** Cell area width: with the cohort axis and the legend the figure comes to about 720 px. */
const HEAT_WIDTH = 540;
const MIN_WIDTH = 300;

/** Builds the heatmap; the cohorts and lifetimes axes list every one present, observed or not. */
export function cohortHeatmap(ctx: RunContext, cells: HeatCell[], o: HeatmapOptions): VegaLiteSpec {
  const cohorts = [...new Set(cells.map((c) => c.cohort))].sort();
  const maxLifetime = Math.max(0, ...cells.map((c) => c.lifetime));
  const lifetimes = Array.from({ length: maxLifetime + 1 }, (_, i) => i);
  // At least MIN_WIDTH wide in all: a narrower plot is shorter than its own axis title, which would
  // then run under the legend.
  const xStep = Math.max(
    12,
    Math.min(64, Math.floor(HEAT_WIDTH / lifetimes.length)),
    Math.ceil(MIN_WIDTH / lifetimes.length),
  );
  const yStep = Math.max(8, Math.min(24, Math.floor(MAX_HEIGHT / Math.max(cohorts.length, 1))));
  const values = cells
    .filter((c): c is HeatCell & { value: number } => c.value !== null && Number.isFinite(c.value))
    .map((c) => ({
      cohort: c.cohort,
      lifetime: c.lifetime,
      value: c.value,
      label: o.format(c.value),
      // Lifetime k is the (k+1)-th period of the cohort: month 1 is the cohort's own month.
      period: String(c.lifetime + 1),
      ink: textColorOn(colorAt(o.stops, c.value)),
    }));
  // Annotate only when the longest label fits its cell (about 0.55 em per character in this font).
  const fontSize = xStep >= 42 ? 10.5 : 9.5;
  const longest = Math.max(0, ...values.map((v) => v.label.length));
  const annotate = yStep >= 13 && longest * fontSize * 0.55 + 4 <= xStep;
  // Columns are labelled as a reader counts them: 1 = the cohort's own period (lifetime 0).
  const lifetimeAxis = {
    title: o.lifetimeTitle,
    labelAngle: 0,
    labelOverlap: true,
    labelExpr: "datum.value + 1",
  };
  const tip = {
    tooltip: tooltip([
      ["cohort", o.cohortTitle],
      ["period", o.lifetimeTitle],
      ["label", o.legendTitle],
    ]),
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: baseConfig(ctx.lang),
    title: header(o.title, o.subtitle),
    width: { step: xStep },
    height: { step: yStep },
    data: { values },
    encoding: {
      x: { field: "lifetime", type: "ordinal", scale: { domain: lifetimes }, axis: lifetimeAxis },
      y: {
        field: "cohort",
        type: "ordinal",
        scale: { domain: cohorts },
        // Weekly cohorts (50+ rows) get rows of ~11 px: smaller labels keep them from touching.
        axis: { ...flatLeftTitle(o.cohortTitle, cohorts), labelFontSize: yStep < 14 ? 9 : 11 },
      },
    },
    layer: [
      {
        mark: { type: "rect", stroke: "white", strokeWidth: 1 },
        encoding: {
          ...tip,
          color: {
            field: "value",
            type: "quantitative",
            scale: {
              type: "linear",
              domain: o.stops.map((s) => s.value),
              range: o.stops.map((s) => s.color),
              interpolate: "rgb",
              clamp: true,
            },
            legend: {
              title: o.legendTitle,
              format: o.legendFormat,
              gradientLength: Math.min(220, Math.max(80, yStep * cohorts.length)),
            },
          },
        },
      },
      ...(annotate ? inkLayers(fontSize, { text: { field: "label" }, ...tip }) : []),
    ],
  };
}

/**
 * Text layers split by ink (dark or white, chosen per cell): a constant colour per layer keeps the
 * text out of the colour scale and legend of the cells underneath.
 */
export function inkLayers<E extends object>(fontSize: number, encoding: E) {
  return INKS.map((ink) => ({
    transform: [{ filter: { field: "ink", equal: ink } }],
    mark: { type: "text" as const, baseline: "middle" as const, fontSize, color: ink },
    encoding,
  }));
}
