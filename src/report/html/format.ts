/**
 * How the report writes values: numbers, money, shares, durations and ids in the report's language.
 * Everything returns plain text; `html` escapes it where it lands.
 */
import { formatDate, formatNumber, formatPercent, type MessageKey, t, tMaybe } from "../../i18n/index.ts";
import { UNATTRIBUTED } from "../../metrics/attribution.ts";
import type { Cac } from "../../metrics/tables.ts";
import type { RunContext } from "../../presentation.ts";

export const DASH = "—";
const NBSP = "\u00a0";

// Every formatter takes the run context (presentation.ts): the language and the run's currency label.

/** `t` bound to the view, with `{horizon}` filled in whenever a text asks for it. */
export function tr(v: RunContext, key: MessageKey, params: Record<string, string | number> = {}): string {
  return t(v.lang, key, { horizon: v.horizon, ...params });
}

/** Whole numbers as they are; fractional counts (linear attribution) with one decimal. */
export function fmtCount(v: RunContext, x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return formatNumber(v.lang, x, Number.isInteger(x) ? 0 : 1);
}

/** Money with the currency label: cents below 1,000, whole units above. */
export function fmtMoney(v: RunContext, x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return `${formatNumber(v.lang, x, Math.abs(x) >= 1000 ? 0 : 2)}${NBSP}${v.currency}`;
}

export function fmtRatio(v: RunContext, x: number | null | undefined, decimals = 2): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return formatNumber(v.lang, x, decimals);
}

export function fmtShare(v: RunContext, x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  // Below 1 % one decimal would round a real difference away (0.04 % vs 0.4 %).
  return formatPercent(v.lang, x, Math.abs(x) < 0.01 && x !== 0 ? 2 : 1);
}

export function fmtMonths(v: RunContext, x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return tr(v, "report.unit.months", { value: formatNumber(v.lang, x, Number.isInteger(x) ? 0 : 1) });
}

/**
 * A payback lifetime as a reader counts it: lifetime 0 is the month of the first purchase, lifetime k
 * is "within k+1 months".
 */
export function fmtPayback(v: RunContext, lifetime: number | null | undefined): string {
  if (lifetime === null || lifetime === undefined || !Number.isFinite(lifetime)) return DASH;
  if (lifetime === 0) return tr(v, "report.payback.first");
  return tr(v, "report.payback.within", { months: formatNumber(v.lang, lifetime + 1) });
}

export function fmtDays(v: RunContext, x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return tr(v, "report.unit.days", { value: formatNumber(v.lang, x, 1) });
}

export function fmtMinutes(v: RunContext, x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return DASH;
  return tr(v, "report.unit.minutes", { value: formatNumber(v.lang, x, x < 10 ? 1 : 0) });
}

/** Seconds as `10 min 43 s` (`1 h 5 min` from an hour on). */
export function fmtDuration(v: RunContext, seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return DASH;
  const s = Math.round(seconds);
  const unit = (key: "report.unit.hours" | "report.unit.minutes" | "report.unit.seconds", n: number) =>
    tr(v, key, { value: formatNumber(v.lang, n) });
  if (s < 60) return unit("report.unit.seconds", s);
  if (s < 3600) {
    const rest = s % 60;
    return (
      unit("report.unit.minutes", Math.floor(s / 60)) + (rest ? ` ${unit("report.unit.seconds", rest)}` : "")
    );
  }
  const min = Math.floor((s % 3600) / 60);
  return (
    unit("report.unit.hours", Math.floor(s / 3600)) + (min ? ` ${unit("report.unit.minutes", min)}` : "")
  );
}

export function fmtCac(v: RunContext, cac: Cac | null | undefined): string {
  if (cac === "infinite") return "∞";
  if (cac === "no_spend") return t(v.lang, "cac.noSpend");
  if (cac === "not_applicable") return t(v.lang, "cac.notApplicable");
  return fmtMoney(v, cac);
}

export function fmtDate(v: RunContext, day: string): string {
  return formatDate(v.lang, day);
}

/** The day before `day` (`YYYY-MM-DD`): the last day of a window given with an exclusive end. */
export function dayBefore(day: string): string {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(ms) ? day : new Date(ms - 86_400_000).toISOString().slice(0, 10);
}

/** A window `[from, to)` as first day – last day. */
export function fmtWindow(v: RunContext, from: string, to: string): string {
  return `${fmtDate(v, from)} – ${fmtDate(v, dayBefore(to))}`;
}

export function sourceName(v: RunContext, source: string): string {
  return source === UNATTRIBUTED ? t(v.lang, "source.unattributed") : source;
}

export function deviceName(v: RunContext, device: string): string {
  return tMaybe(v.lang, `device.${device}`, device);
}

export function attributionName(v: RunContext, model: string): string {
  return tMaybe(v.lang, `attribution.${model}`, model);
}

/** A summary value as a number: numeric strings are read, anything else is null. */
export function asNumber(value: number | string | null | undefined): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
    return Number(value);
  return null;
}
