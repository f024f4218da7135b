/**
 * Colours. A source has one colour in every figure and under every filter: the dataset's sources are
 * sorted naturally (1, 2, …, 10, then text ids) and take the palette in that order; `unattributed` is
 * always grey.
 * The palette is Tableau 10 with its grey swapped out (grey means "no source" here), then the light
 * Tableau 20 tints for runs with more than ten sources.
 */
import { t } from "../i18n/index.ts";
import { UNATTRIBUTED } from "../metrics/attribution.ts";
import { naturalIdOrder } from "../metrics/id-order.ts";
import type { Presentation } from "../presentation.ts";

export const GREY = "#a0a0a0";
export const NOTE_GREY = "#6b6b6b";
const PALETTE = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#17becf",
  "#a0cbe8",
  "#ffbe7d",
  "#ff9d9a",
  "#8cd17d",
  "#f1ce63",
  "#86bcb6",
  "#d4a6c8",
  "#d7b5a6",
  "#bcbd22",
  "#2f4b7c",
];

export interface SourceStyle {
  id: string;
  /** What the reader sees: the id, or the translation of `unattributed`. */
  label: string;
  color: string;
}

/**
 * Every source of the dataset (`analysis.metadata.sources`, the whole data's list, so a filter never
 * shifts a colour) and any other named
 * in the tables, in natural order, `unattributed` last, each with its colour.
 */
export function sourcePalette(p: Presentation): SourceStyle[] {
  const { tables } = p.analysis.metrics;
  const { lang } = p.context;
  const ids = new Set<string>(p.analysis.metadata.sources);
  for (const r of tables.by_source) ids.add(r.source);
  for (const r of tables.costs_by_source_month) ids.add(r.source);
  for (const r of tables.conversion_lag) if (r.dimension === "source") ids.add(r.key);
  const named = [...ids].filter((id) => id !== UNATTRIBUTED).sort(naturalIdOrder);
  const out = named.map((id, i) => ({ id, label: id, color: PALETTE[i % PALETTE.length]! }));
  if (ids.has(UNATTRIBUTED))
    out.push({ id: UNATTRIBUTED, label: t(lang, "source.unattributed"), color: GREY });
  return out;
}

/** Looks a source up in the palette (unknown ids, which a complete palette never has, go grey). */
export function sourceStyle(palette: SourceStyle[], id: string): SourceStyle {
  return palette.find((s) => s.id === id) ?? { id, label: id, color: GREY };
}

/** A colour stop of a continuous heatmap scale. */
export interface Stop {
  value: number;
  color: string;
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * The colour a piecewise-linear RGB scale (Vega `interpolate: "rgb"`, clamped) gives `value`, so a
 * heatmap can pick a text colour that stays readable on its cell.
 */
export function colorAt(stops: Stop[], value: number): [number, number, number] {
  const first = stops[0]!;
  const last = stops[stops.length - 1]!;
  if (value <= first.value) return hexToRgb(first.color);
  if (value >= last.value) return hexToRgb(last.color);
  for (let i = 1; i < stops.length; i++) {
    const hi = stops[i]!;
    const lo = stops[i - 1]!;
    if (value > hi.value) continue;
    const f = (value - lo.value) / (hi.value - lo.value);
    const a = hexToRgb(lo.color);
    const b = hexToRgb(hi.color);
    return [0, 1, 2].map((k) => a[k]! + (b[k]! - a[k]!) * f) as [number, number, number];
  }
  return hexToRgb(last.color);
}

/** Text colours on coloured cells: dark and white. */
export const INKS = ["#1a1a1a", "#ffffff"] as const;

/** Dark text on light cells, white on dark ones (WCAG relative luminance, threshold at mid-grey). */
export function textColorOn([r, g, b]: [number, number, number]): string {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return lum > 0.28 ? INKS[0] : INKS[1];
}
