/**
 * Bar charts shared by several figures. Categories (sources, devices) are horizontal bars in the
 * order given (the figure sorts them by value); a category without a number (CAC `infinite` or
 * `no_spend`, payback "not yet") gets a written note in its row instead of a misleading zero bar.
 * Months are vertical columns in calendar order.
 */
import { t } from "../i18n/index.ts";
import { NOTE_GREY } from "./palette.ts";
import { BAR_STEP, bandLabelsFor, baseConfig, flatLeftTitle, header, PLOT_WIDTH, round } from "./theme.ts";
import type { RunContext, VegaLiteSpec } from "./types.ts";

export interface BarRow {
  /** The key behind the row (a source id), for clicks and tests; the label may say more. */
  id?: string;
  label: string;
  /** null: no bar; `text` (the note) is written in the row instead. */
  value: number | null;
  /** The value as written at the end of the bar (or the note). */
  text: string;
  color: string;
  /** The buyers behind the bar, formatted (shown in the tooltip). */
  buyersText?: string;
  /** The value's interval (issue 10), drawn as a whisker over the bar; absent or null: none. */
  low?: number | null;
  high?: number | null;
  /** The interval as written in the tooltip, e.g. `0.70–0.85`. */
  ciText?: string;
}

export interface BarOptions {
  title: string;
  subtitle?: string;
  valueTitle: string;
  categoryTitle: string;
  /** d3 format of the value axis. */
  axisFormat: string;
  /** A reference line, e.g. ROMI break-even at 1. */
  rule?: { value: number; label: string };
  /** Tooltip title of the rows' buyer counts (default "Buyers"). */
  buyersTitle?: string;
  /** Tooltip title of the rows' intervals, e.g. "90 % interval" (rows with `ciText`). */
  ciTitle?: string;
}

/**
 * Tooltip lines in the reader's language: each field holds text already formatted with its unit,
 * under a translated title; never a raw field name.
 */
export function tooltip(lines: readonly (readonly [field: string, title: string])[]) {
  return lines.map(([field, title]) => ({ field, title, type: "nominal" as const }));
}

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Horizontal bars, one row per category in the order of `rows`, with the value written at the end. */
export function categoryBars(ctx: RunContext, rows: BarRow[], o: BarOptions): VegaLiteSpec {
  const values = rows.map((r) => {
    const value = r.value === null ? null : round(r.value);
    const whisker = value !== null && r.low != null && r.high != null;
    const low = whisker ? round(r.low!) : null;
    const high = whisker ? round(r.high!) : null;
    // The number is written after the whisker, not over it.
    return {
      ...r,
      value,
      low,
      high,
      textAt: high !== null && value !== null ? Math.max(value, high) : value,
    };
  });
  const top = Math.max(0, ...values.map((r) => r.textAt ?? 0));
  // Head-room to the right so the value written after the longest bar stays inside the plot.
  const domainMax = Math.max(top * 1.22, (o.rule?.value ?? 0) * 1.15, top === 0 ? 1 : 0);
  const y = {
    field: "label",
    type: "nominal" as const,
    sort: rows.map((r) => r.label),
    axis: {
      ...flatLeftTitle(
        o.categoryTitle,
        rows.map((r) => r.label),
      ),
      labelLimit: 200,
    },
  };
  const x = {
    field: "value",
    type: "quantitative" as const,
    scale: { domain: [0, round(domainMax)], nice: false },
    axis: { title: o.valueTitle, format: o.axisFormat, tickCount: 6 },
  };
  const tip = {
    tooltip: tooltip([
      ["label", o.categoryTitle],
      ["text", o.valueTitle],
      ...(rows.some((r) => r.buyersText !== undefined)
        ? [["buyersText", o.buyersTitle ?? t(ctx.lang, "bars.buyers")] as const]
        : []),
      ...(rows.some((r) => r.ciText !== undefined) ? [["ciText", o.ciTitle ?? ""] as const] : []),
    ]),
  };
  const whiskers = values.some((r) => r.low !== null)
    ? [
        {
          transform: [{ filter: "datum.low !== null && datum.high !== null" }],
          mark: { type: "rule" as const, color: "#333333", strokeWidth: 1.5 },
          encoding: { y, x: { field: "low", type: "quantitative" as const }, x2: { field: "high" }, ...tip },
        },
        ...(["low", "high"] as const).map((end) => ({
          transform: [{ filter: "datum.low !== null && datum.high !== null" }],
          mark: { type: "tick" as const, color: "#333333", thickness: 1.5, size: 10 },
          encoding: { y, x: { field: end, type: "quantitative" as const } },
        })),
      ]
    : [];
  const rule = o.rule
    ? [
        {
          data: { values: [{ at: o.rule.value, note: o.rule.label }] },
          mark: { type: "rule" as const, strokeDash: [5, 3], color: "#333333" },
          encoding: { x: { field: "at", type: "quantitative" as const } },
        },
        {
          data: { values: [{ at: o.rule.value, note: o.rule.label }] },
          mark: { type: "text" as const, align: "left" as const, baseline: "bottom" as const, dx: 3, y: -3 },
          encoding: { x: { field: "at", type: "quantitative" as const }, text: { field: "note" } },
        },
      ]
    : [];
  return {
    $schema: SCHEMA,
    config: baseConfig(ctx.lang),
    title: header(o.title, o.subtitle),
    width: PLOT_WIDTH,
    height: { step: BAR_STEP },
    data: { values },
    // y is given per layer: the reference rule has its own data and must span the plot, not add a row.
    layer: [
      {
        transform: [{ filter: "datum.value !== null" }],
        mark: { type: "bar", height: { band: 0.72 } },
        encoding: {
          y,
          x,
          color: { field: "color", type: "nominal", scale: null, legend: null },
          ...tip,
        },
      },
      ...whiskers,
      {
        transform: [{ filter: "datum.value !== null" }],
        mark: { type: "text", align: "left", baseline: "middle", dx: 4 },
        encoding: { y, x: { ...x, field: "textAt" }, text: { field: "text" }, ...tip },
      },
      {
        transform: [{ filter: "datum.value === null" }],
        mark: { type: "text", align: "left", baseline: "middle", dx: 4, color: NOTE_GREY },
        encoding: { y, x: { datum: 0, type: "quantitative" }, text: { field: "text" }, ...tip },
      },
      ...rule,
    ],
  };
}

/** Plot width for `n` columns: the full width, but no column wider than 120 px (one month is a bar, not a wall). */
export function columnsWidth(n: number, full = PLOT_WIDTH): number {
  return Math.min(full, Math.max(n, 1) * 120);
}

export interface ColumnRow {
  /** The column's category: a month `YYYY-MM`, a lag bucket, … */
  key: string;
  value: number | null;
  text: string;
  /** Drawn lighter: e.g. a month only partly inside the analysis window. */
  partial?: boolean;
  /** More text fields for the tooltip (see `ColumnOptions.tooltipExtra`). */
  [extra: string]: string | number | boolean | null | undefined;
}

export interface ColumnOptions {
  title: string;
  subtitle?: string;
  valueTitle: string;
  keyTitle: string;
  axisFormat: string;
  color: string;
  /** Widest tick label in px, to decide whether labels must slant. */
  labelWidth?: number;
  /** Further tooltip lines: a text field of the rows and its translated title. */
  tooltipExtra?: readonly (readonly [field: string, title: string])[];
}

/**
 * Vertical columns in the order of `rows` (months in calendar order, lag buckets in lag order: an
 * ordered axis is never re-sorted by value); values written above when there is room for them.
 */
export function columns(ctx: RunContext, rows: ColumnRow[], o: ColumnOptions): VegaLiteSpec {
  const values = rows.map((r) => ({
    ...r,
    value: r.value === null ? null : round(r.value),
    fill: r.partial ? `${o.color}80` : o.color,
  }));
  const keys = rows.map((r) => r.key);
  const width = columnsWidth(keys.length);
  const step = width / Math.max(keys.length, 1);
  const longest = Math.max(0, ...rows.map((r) => r.text.length));
  const writeValues = longest * 6 + 4 <= step;
  const top = Math.max(0, ...values.map((r) => r.value ?? 0));
  const x = {
    field: "key",
    type: "ordinal" as const,
    scale: { domain: keys },
    axis: { title: o.keyTitle, ...bandLabelsFor(keys.length, width, o.labelWidth ?? 42) },
  };
  const y = {
    field: "value",
    type: "quantitative" as const,
    scale: { domain: [0, round(top === 0 ? 1 : top * (writeValues ? 1.1 : 1))] },
    // No numbers at all (e.g. no spend in any month): an axis of 0..1 would only invite misreading.
    axis: top === 0 ? null : { title: o.valueTitle, format: o.axisFormat },
  };
  const tip = {
    tooltip: tooltip([
      ["key", o.keyTitle],
      ["text", o.valueTitle],
    ]),
  };
  return {
    $schema: SCHEMA,
    config: baseConfig(ctx.lang),
    title: header(o.title, o.subtitle),
    width,
    height: 280,
    data: { values },
    encoding: { x },
    layer: [
      {
        transform: [{ filter: "datum.value !== null" }],
        mark: { type: "bar", width: { band: 0.75 } },
        encoding: { y, color: { field: "fill", type: "nominal", scale: null, legend: null }, ...tip },
      },
      ...(writeValues
        ? [
            {
              transform: [{ filter: "datum.value !== null" }],
              mark: { type: "text" as const, baseline: "bottom" as const, dy: -3 },
              encoding: { y, text: { field: "text" }, ...tip },
            },
          ]
        : []),
      {
        // Months without a number (CAC `infinite` / `no_spend`) get their note written upright.
        transform: [{ filter: "datum.value === null" }],
        mark: {
          type: "text",
          angle: 270,
          align: "left",
          baseline: "middle",
          dx: 6,
          color: NOTE_GREY,
        },
        encoding: { y: { datum: 0, type: "quantitative" }, text: { field: "text" }, ...tip },
      },
    ],
  };
}
