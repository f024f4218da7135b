/** The headline numbers of summary.csv as cards, and the smaller "facts" lists of each section. */
import type { SummaryRow } from "../../metrics/tables.ts";
import {
  asNumber,
  fmtCac,
  fmtCount,
  fmtDuration,
  fmtMoney,
  fmtRatio,
  fmtShare,
  tr,
  type View,
} from "./format.ts";
import { type Html, html } from "./html.ts";

export type Summary = ReadonlyMap<string, number | string | null>;

export function summaryMap(rows: readonly SummaryRow[]): Summary {
  return new Map(rows.map((r) => [r.metric, r.value]));
}

interface Card {
  label: string;
  value: string;
  sub?: string;
  tone?: "good" | "bad";
}

function card(c: Card): Html {
  return html`<div class="card${c.tone ? ` ${c.tone}` : ""}"><p class="label">${c.label}</p><p class="value">${c.value}</p>${
    c.sub ? html`<p class="sub">${c.sub}</p>` : ""
  }</div>`;
}

/** KPI cards for the metrics the summary has; a metric missing from it gets no card. */
export function kpiCards(v: View, s: Summary): Html | null {
  const n = (m: string) => asNumber(s.get(m));
  const cards: Card[] = [];
  const add = (metric: string, c: () => Card) => {
    if (s.has(metric)) cards.push(c());
  };
  add("users", () => ({
    label: tr(v, "report.kpi.users"),
    value: fmtCount(v, n("users")),
    sub: tr(v, "report.kpiNote.users"),
  }));
  add("buyers", () => ({
    label: tr(v, "report.kpi.buyers"),
    value: fmtCount(v, n("buyers")),
    sub: tr(v, "report.kpiNote.buyers"),
  }));
  add("conversion_rate", () => ({
    label: tr(v, "report.kpi.conversionRate"),
    value: fmtShare(v, n("conversion_rate")),
    sub: tr(v, "report.kpiNote.conversionRate"),
  }));
  add("revenue", () => ({ label: tr(v, "report.kpi.revenue"), value: fmtMoney(v, n("revenue")) }));
  add("costs", () => ({ label: tr(v, "report.kpi.costs"), value: fmtMoney(v, n("costs")) }));
  add("cac", () => {
    const raw = s.get("cac");
    const cac = raw === "infinite" || raw === "no_spend" ? raw : n("cac");
    return { label: "CAC", value: fmtCac(v, cac), sub: tr(v, "report.kpiNote.cac") };
  });
  add("ltv_h", () => ({
    label: tr(v, "report.kpi.ltvH"),
    value: fmtMoney(v, n("ltv_h")),
    sub: tr(v, "report.kpiNote.ltvH"),
  }));
  add("romi_h", () => {
    const romi = n("romi_h");
    const tone = romi === null ? undefined : romi >= 1 ? "good" : "bad";
    return {
      label: tr(v, "report.kpi.romiH"),
      value: fmtRatio(v, romi),
      sub: tr(v, "report.kpiNote.romiH"),
      tone,
    };
  });
  for (const m of ["dau", "wau", "mau"] as const) {
    add(m, () => ({
      label: m.toUpperCase(),
      value: fmtCount(v, roundOrNull(n(m))),
      sub: tr(v, `report.kpiNote.${m}`),
    }));
  }
  if (s.has("sticky_wau") || s.has("sticky_mau")) {
    cards.push({
      label: tr(v, "report.kpi.sticky"),
      value: `${fmtShare(v, n("sticky_wau"))} · ${fmtShare(v, n("sticky_mau"))}`,
      sub: "DAU/WAU · DAU/MAU",
    });
  }
  add("session_mean_s", () => ({
    label: tr(v, "report.kpi.asl"),
    value: fmtDuration(v, n("session_mean_s")),
    ...(s.has("session_median_s")
      ? { sub: tr(v, "report.kpiNote.asl", { median: fmtDuration(v, n("session_median_s")) }) }
      : {}),
  }));
  if (cards.length === 0) return null;
  return html`<div class="cards">${cards.map(card)}</div>`;
}

function roundOrNull(x: number | null): number | null {
  return x === null ? null : Math.round(x);
}

export interface Fact {
  label: string;
  value: string;
}

/** A two-column list of labelled values; nothing when empty. */
export function factList(facts: readonly Fact[]): Html | null {
  if (facts.length === 0) return null;
  return html`<dl class="facts">${facts.map((f) => html`<div><dt>${f.label}</dt><dd>${f.value}</dd></div>`)}</dl>`;
}

/** Facts for the summary metrics present, each formatted by `format`. */
export function summaryFacts(
  s: Summary,
  items: readonly [metric: string, label: string, format: (x: number | null) => string][],
): Fact[] {
  return items
    .filter(([m]) => s.has(m))
    .map(([m, label, format]) => ({ label, value: format(asNumber(s.get(m))) }));
}
