/**
 * Honest by-source bars: every bar names the buyers it rests on, a source with too few mature buyers
 * to rank (the engine's `marketing.sources` flags) is drawn muted and listed after the ones that can
 * be ranked, and a source without spend reads "organic / no spend" instead of a money figure.
 */
import { formatNumber, t } from "../i18n/index.ts";
import { UNATTRIBUTED } from "../metrics/attribution.ts";
import type { BySourceRow } from "../metrics/tables.ts";
import type { Presentation } from "../presentation.ts";
import type { BarRow } from "./bars.ts";
import { sourcePalette, sourceStyle } from "./palette.ts";

/** A bar a figure wants for a source: its value (null: no bar) and the text written in its row. */
export interface SourceValue {
  value: number | null;
  text: string;
  /** The value's interval (issue 10), when the run computed one. */
  low?: number | null;
  high?: number | null;
  ciText?: string;
}

/** Which by-source interval a figure draws (MetricsResult.trust.intervals.bySource). */
export type IntervalOf = "ltvH" | "cac" | "romiH";

/**
 * The interval of one source's number, as bar fields: bounds and the tooltip's `low–high`
 * (formatted with `format`); nothing when the run has no trust numbers or the bound is missing.
 */
export function sourceInterval(
  p: Presentation,
  source: string,
  kind: IntervalOf,
  format: (x: number) => string,
): Pick<SourceValue, "low" | "high" | "ciText"> {
  const i = p.analysis.metrics.trust?.intervals.bySource.find((s) => s.source === source)?.[kind];
  if (!i || i.low === null || i.high === null) return {};
  return { low: i.low, high: i.high, ciText: `${format(i.low)}–${format(i.high)}` };
}

/** "whiskers: 90 % interval" for a subtitle, and the tooltip title; null without trust numbers. */
export function intervalLegend(p: Presentation): { note: string; title: string } | null {
  const level = p.analysis.metrics.trust?.intervals.level;
  if (level === undefined) return null;
  const pct = Math.round(level * 100);
  return {
    note: t(p.context.lang, "bars.ciNote", { level: pct }),
    title: t(p.context.lang, "bars.ciTitle", { level: pct }),
  };
}

/** Whose buyers a bar rests on: mature-cohort buyers (LTV, ROMI, payback) or every buyer (CAC). */
export type BuyerBasis = "mature" | "all";

/** Muted colour: the source's own hue at a third of its strength over white. */
export function muted(hex: string): string {
  return `${hex}55`;
}

/** The tooltip title of the buyer count of a basis. */
export function buyersTitle(p: Presentation, basis: BuyerBasis): string {
  return t(p.context.lang, basis === "mature" ? "bars.buyersMature" : "bars.buyers");
}

/**
 * Whose buyers the bar labels count, for a subtitle: the mature-cohort buyers a bar rests on are
 * fewer than the buyers in Sources in numbers (every cohort of the period), and must not read as them.
 */
export function matureBuyersNote(p: Presentation): string {
  return t(p.context.lang, "bars.buyersMatureNote", { horizon: p.context.horizon });
}

/** True for a source with no spend in the window (organic, referral, unattributed). */
export function isOrganic(row: BySourceRow): boolean {
  return row.costs === 0 || row.cac === "no_spend";
}

/** How a figure orders its bars: a group rank first (e.g. ∞ CAC first), then by value. */
export interface BarOrder {
  /** Lower groups first; default: bars with a number (0) before the rows without one (1). */
  group?: (bar: BarRow) => number;
  ascending?: boolean;
}

/**
 * One bar per source of `by_source`: label `3 · 1,234 buyers`, muted when the engine flags the source
 * as too few to rank. Within a group, ranked sources come first by value, then the muted ones.
 */
export function sourceBars(
  p: Presentation,
  basis: BuyerBasis,
  valueFor: (row: BySourceRow) => SourceValue,
  order: BarOrder = {},
): BarRow[] {
  const { tables, marketing } = p.analysis.metrics;
  const { lang } = p.context;
  const palette = sourcePalette(p);
  const flags = new Map(marketing.sources.map((f) => [f.source, f]));
  const rows = tables.by_source.map((row) => {
    const style = sourceStyle(palette, row.source);
    const flag = flags.get(row.source);
    // `unattributed` is not a source to rank: its row shows all its buyers and is never muted.
    const other = row.source === UNATTRIBUTED && !flag;
    const buyers = basis === "mature" && !other ? (flag?.matureBuyers ?? 0) : row.buyers;
    const few = other ? false : (flag?.tooFewBuyers ?? true);
    const { value, text, low, high, ciText } = valueFor(row);
    const count = formatNumber(lang, buyers, Number.isInteger(buyers) ? 0 : 1);
    const label = t(lang, "bars.source", { source: style.label, buyers: count });
    return {
      id: row.source,
      label,
      value,
      text: few && value !== null ? `${text} (${t(lang, "bars.tooFew")})` : text,
      color: few ? muted(style.color) : style.color,
      few,
      buyersText: count,
      ...(low !== undefined ? { low, high: high ?? null } : {}),
      ...(ciText !== undefined ? { ciText } : {}),
    };
  });
  const group = order.group ?? ((b: BarRow) => (b.value === null ? 1 : 0));
  const sign = order.ascending ? 1 : -1;
  const sorted = rows.sort(
    (a, b) =>
      group(a) - group(b) ||
      Number(a.few) - Number(b.few) ||
      (a.value !== null && b.value !== null ? sign * (a.value - b.value) : 0),
  );
  return sorted.map(({ few: _few, ...bar }) => bar);
}
