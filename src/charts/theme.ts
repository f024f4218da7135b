/**
 * The house look shared by every figure: font, sizes, locale, titles, the "no data" placeholder.
 * Figures are about 720 px wide overall: plots are `PLOT_WIDTH` wide plus axes and legends.
 */
import type { Config } from "vega-lite";
import { type Lang, type MessageKey, t, tMaybe, vegaLocale } from "../i18n/index.ts";
import { NOTE_GREY } from "./palette.ts";
import type { RunContext, VegaLiteSpec } from "./types.ts";

export const FONT_FAMILY = "Liberation Sans";
/** The bundled font first, then its metric twin Arial for SVGs opened outside our renderer. */
export const FONT_STACK = "Liberation Sans, Arial, Helvetica, sans-serif";
export const PLOT_WIDTH = 600;
export const BAR_STEP = 26;
export const TEXT = "#1a1a1a";

/** Vega-Lite config for a language: fonts, quiet greys, number and month formats of that language. */
export function baseConfig(lang: Lang): Config {
  return {
    font: FONT_STACK,
    background: "white",
    padding: 12,
    // The i18n module knows nothing of Vega's tuple types (7 days, 12 months); the arrays are complete.
    locale: vegaLocale(lang) as Config["locale"],
    view: { stroke: null },
    title: {
      fontSize: 15,
      color: TEXT,
      anchor: "start",
      subtitleFontSize: 11.5,
      subtitleColor: "#555555",
      subtitlePadding: 4,
      offset: 14,
    },
    axis: {
      labelFontSize: 11,
      titleFontSize: 11.5,
      titleFontWeight: "normal",
      titleColor: "#333333",
      labelColor: "#333333",
      domainColor: "#8c8c8c",
      tickColor: "#8c8c8c",
      gridColor: "#e8e8e8",
      labelOverlap: true,
      labelLimit: 260,
      titlePadding: 8,
    },
    legend: { labelFontSize: 11, titleFontSize: 11.5, titleFontWeight: "normal", labelLimit: 260 },
    text: { fontSize: 11, color: TEXT },
  };
}

/** Splits a subtitle into lines of at most `max` characters at spaces, so it never runs off the figure. */
export function wrap(text: string, max = 110): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Title block: a translated title, and an optional subtitle (wrapped). */
export function header(title: string, subtitle?: string) {
  return subtitle ? { text: title, subtitle: wrap(subtitle) } : { text: title };
}

/** "first-touch attribution · horizon 6 months", for figures that depend on both. */
export function contextLine(ctx: RunContext): string {
  const attribution = tMaybe(ctx.lang, `attribution.${ctx.attribution}`, ctx.attribution);
  return t(ctx.lang, "common.context", { attribution, horizon: ctx.horizon });
}

/** "first-touch attribution", for figures that do not depend on the horizon (CAC). */
export function attributionLine(ctx: RunContext): string {
  const attribution = tMaybe(ctx.lang, `attribution.${ctx.attribution}`, ctx.attribution);
  return t(ctx.lang, "common.contextModel", { attribution });
}

/** Display name of a device: known ones translated, others as written in the data. */
export function deviceLabel(lang: Lang, device: string): string {
  return tMaybe(lang, `device.${device}`, device);
}

/** The figure a builder returns when its table has nothing to draw: the title and a plain note. */
export function emptyFigure(ctx: RunContext, titleKey: MessageKey, params = {}): VegaLiteSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: baseConfig(ctx.lang),
    title: header(t(ctx.lang, titleKey, { currency: ctx.currency, horizon: ctx.horizon, ...params })),
    width: PLOT_WIDTH,
    height: 80,
    data: { values: [{ note: t(ctx.lang, "common.noData") }] },
    mark: { type: "text", fontSize: 13, color: NOTE_GREY, align: "left" },
    encoding: { text: { field: "note" }, x: { value: 0 }, y: { value: 40 } },
  };
}

/**
 * Tick-label angle for a band axis of `count` labels about `labelWidth` px wide: flat when they fit
 * side by side, else slanted (Vega then drops every other label if even that collides).
 */
export function bandLabelAngle(count: number, plotWidth: number, labelWidth: number): number {
  return plotWidth / Math.max(count, 1) >= labelWidth + 8 ? 0 : -45;
}

/**
 * A band axis' label angle, alignment and baseline, flat when a column holds its label and slanted
 * when not, decided from the plot's width signal when drawn: a figure narrowed for a phone
 * (charts/reflow.ts changes only its width) slants its labels instead of dropping every other one.
 * Drawn at `plotWidth`, the same angle as `bandLabelAngle`.
 */
export function bandLabelsFor(count: number, plotWidth: number, labelWidth: number) {
  const flat = `width / ${Math.max(count, 1)} >= ${labelWidth + 8}`;
  if (bandLabelAngle(count, plotWidth, labelWidth) !== 0 && plotWidth > 0)
    return { labelAngle: -45, labelAlign: "right" as const, labelBaseline: "top" as const };
  return {
    labelAngle: { expr: `${flat} ? 0 : -45` },
    labelAlign: { expr: `${flat} ? 'center' : 'right'` },
    labelBaseline: { expr: `${flat} ? 'top' : 'middle'` },
  };
}

/**
 * Axis props that put a left axis' title flat above its labels instead of rotated beside them: a
 * rotated title is longer than a short plot (one cohort, one source) and runs into the other axis.
 * Offset by the widest label (about 6.2 px per character at 11 px) so it starts where they start.
 */
export function flatLeftTitle(title: string, labels: readonly string[]) {
  const labelWidth = Math.max(0, ...labels.map((l) => l.length)) * 6.2 + 10;
  return {
    title,
    titleAngle: 0,
    titleAlign: "left" as const,
    titleBaseline: "bottom" as const,
    titleX: -Math.round(labelWidth),
    titleY: -8,
  };
}

/** Rounds for display in specs (keeps golden files and SVGs free of float noise). */
export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
