/**
 * The pieces every finding's sentence is built from: numbers formatted per language, the model
 * phrases, lists of sources. Sentences themselves live in the i18n dictionaries.
 */
import { formatNumber, formatPercent, type Lang, type MessageKey, t } from "../i18n/index.ts";
import type { Attribution } from "../metrics/tables.ts";
import type { RunContext } from "../presentation.ts";
import type { Evidence, Verdict } from "./types.ts";

const NBSP = "\u00a0";

/** ROMI with two decimals (1.80 / 1,80); `not measurable` when null. */
export function romiText(p: RunContext, romi: number | null): string {
  return romi === null ? t(p.lang, "insight.na") : formatNumber(p.lang, romi, 2);
}

/** An amount with the currency label after it, e.g. `5.20 у.е.`. */
export function moneyText(p: RunContext, amount: number | null): string {
  return amount === null ? t(p.lang, "insight.na") : `${formatNumber(p.lang, amount, 2)}${NBSP}${p.currency}`;
}

export function shareText(p: RunContext, share: number): string {
  return formatPercent(p.lang, share, 1);
}

/** Whole counts as such; fractional (linear) buyer counts with one decimal, so 29.6 never shows as 30. */
export function countText(p: RunContext, n: number): string {
  return formatNumber(p.lang, n, Number.isInteger(n) ? 0 : 1);
}

const MODEL_KEYS: Record<Attribution, MessageKey> = {
  "first-touch": "insight.model.first-touch",
  "last-touch": "insight.model.last-touch",
  linear: "insight.model.linear",
};

const UNDER_KEYS: Record<Attribution, MessageKey> = {
  "first-touch": "insight.under.first-touch",
  "last-touch": "insight.under.last-touch",
  linear: "insight.under.linear",
};

const VERDICT_KEYS: Record<Verdict, MessageKey> = {
  scale: "insight.verdict.scale",
  cut: "insight.verdict.cut",
  watch: "insight.verdict.watch",
  too_few_buyers: "insight.verdict.too_few_buyers",
  info: "insight.verdict.info",
  caveat: "insight.verdict.caveat",
};

/** e.g. "first-touch attribution" / «атрибуция по первому касанию». */
export function modelText(p: RunContext, model: Attribution = p.attribution): string {
  return t(p.lang, MODEL_KEYS[model]);
}

/** e.g. "under last-touch" / «по последнему касанию». */
export function underText(lang: Lang, model: Attribution): string {
  return t(lang, UNDER_KEYS[model]);
}

export function verdictText(lang: Lang, verdict: Verdict): string {
  return t(lang, VERDICT_KEYS[verdict]);
}

/** `a`, `a and b`, `a, b and c` (ru: `и`). */
export function joinAnd(lang: Lang, items: string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} ${t(lang, "insight.and")} ${items.at(-1)}`;
}

/** "source 3 (ROMI 0.35)" or "sources 3 (ROMI 0.35) and 9 (ROMI 0.42)". */
export function sourceListText(p: RunContext, sources: { source: string; romi: number | null }[]): string {
  const items = sources.map((s) =>
    t(p.lang, "insight.sourceRomi", { source: s.source, romi: romiText(p, s.romi) }),
  );
  const key: MessageKey = sources.length === 1 ? "insight.sources.one" : "insight.sources.many";
  return t(p.lang, key, { list: joinAnd(p.lang, items) });
}

/** The two pieces of evidence every finding carries. */
export function contextEvidence(p: RunContext): Evidence[] {
  return [
    { metric: "horizon_months", value: p.horizon, unit: "months" },
    { metric: "attribution", value: p.attribution, unit: "text" },
  ];
}
