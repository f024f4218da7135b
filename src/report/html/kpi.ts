/** The headline numbers of a run as cards, and the smaller "facts" lists of each section. */
import type { MetricsResult } from "../../metrics/result.ts";
import type { RunContext } from "../../presentation.ts";
import { DASH, fmtCac, fmtCount, fmtDuration, fmtMoney, fmtRatio, fmtShare, tr } from "./format.ts";
import { type Html, html } from "./html.ts";
import { type IntervalKind, intervalText, levelText, trustLookup } from "./intervals.ts";

interface Card {
  label: string;
  value: string;
  sub?: string;
  /** The interval of the number (issue 10), e.g. "90 % interval [0.70–0.85]", marked `data-ci`. */
  ci?: { kind: IntervalKind; text: string };
  tone?: "good" | "bad";
  /** Change against the previous period, when the dashboard compares two. */
  change?: string;
}

/** The period before the one shown (same length), for the change on each card. */
export interface Previous {
  metrics: MetricsResult;
  days: number;
}

function card(c: Card): Html {
  return html`<div class="card${c.tone ? ` ${c.tone}` : ""}"><p class="label">${c.label}</p><p class="value">${c.value}</p>${
    c.ci ? html`<p class="ci" data-ci="${c.ci.kind}">${c.ci.text}</p>` : ""
  }${c.sub ? html`<p class="sub">${c.sub}</p>` : ""}${c.change ? html`<p class="change">${c.change}</p>` : ""}</div>`;
}

/** The headline numbers a card compares, by card position (null: not compared). */
function comparable(m: MetricsResult): (number | null)[] {
  const cac = typeof m.marketing.cac === "number" ? m.marketing.cac : null;
  return [
    m.data.users,
    m.data.buyers,
    m.conversion.rate,
    m.data.revenue,
    m.data.costs,
    cac,
    m.ltv.ltvH,
    m.marketing.romiH,
    m.activity.dau.mean,
    m.activity.wau.mean,
    m.activity.mau.mean,
    null,
    m.sessions.meanS,
  ];
}

/** "▲ 5.2% vs the previous 30 days": relative change, or nothing when either side is missing. */
function changeText(
  v: RunContext,
  now: number | null,
  before: number | null,
  days: number,
): string | undefined {
  if (now === null || before === null || before === 0) return undefined;
  const rel = now / before - 1;
  const arrow = rel > 0 ? "▲" : rel < 0 ? "▼" : "＝";
  const sign = rel > 0 ? "+" : "";
  return tr(v, "dash.compare.vs", { change: `${arrow} ${sign}${fmtShare(v, rel)}`, days });
}

/** KPI cards from the typed headline numbers of a run (`MetricsResult`); null values show a dash. */
export function kpiCards(v: RunContext, m: MetricsResult, previous?: Previous): Html {
  const cards = kpiCardList(v, m);
  if (previous) {
    const now = comparable(m);
    const before = comparable(previous.metrics);
    cards.forEach((c, i) => {
      const change = changeText(v, now[i] ?? null, before[i] ?? null, previous.days);
      if (change) c.change = change;
    });
  }
  return html`<div class="cards">${cards.map(card)}</div>`;
}

/** Every headline card, in reading order (the positions `comparable` follows). */
function kpiCardList(v: RunContext, m: MetricsResult): Card[] {
  const { data, activity, sessions, conversion, ltv, marketing } = m;
  const romi = marketing.romiH;
  // Under a device filter spend cannot be split: say so where CAC and ROMI would stand.
  const withheld = marketing.withheld === null ? null : tr(v, "cac.notApplicable");
  // The whole slice's intervals (issue 10), when the run computed them.
  const trust = trustLookup(m);
  const all = trust?.interval("all");
  const ci = (kind: IntervalKind, i: Parameters<typeof intervalText>[2]) => {
    const text = trust ? intervalText(v, kind, i) : null;
    return text === null || !trust ? {} : { ci: { kind, text: `${levelText(v, trust.level)} ${text}` } };
  };
  const cards: Card[] = [
    { label: tr(v, "report.kpi.users"), value: fmtCount(v, data.users), sub: tr(v, "report.kpiNote.users") },
    {
      label: tr(v, "report.kpi.buyers"),
      value: fmtCount(v, data.buyers),
      sub: tr(v, "report.kpiNote.buyers"),
    },
    {
      label: tr(v, "report.kpi.conversionRate"),
      value: fmtShare(v, conversion.rate),
      sub: tr(v, "report.kpiNote.conversionRate"),
    },
    { label: tr(v, "report.kpi.revenue"), value: fmtMoney(v, data.revenue) },
    { label: tr(v, "report.kpi.costs"), value: fmtMoney(v, data.costs) },
    {
      label: "CAC",
      value: withheld ? DASH : fmtCac(v, marketing.cac),
      sub: withheld ?? tr(v, "report.kpiNote.cac"),
      ...(withheld ? {} : ci("cac", all?.cac)),
    },
    {
      label: tr(v, "report.kpi.ltvH"),
      value: fmtMoney(v, ltv.ltvH),
      sub: tr(v, "report.kpiNote.ltvH"),
      ...ci("ltv_h", all?.ltvH),
    },
    {
      label: tr(v, "report.kpi.romiH"),
      value: fmtRatio(v, romi),
      sub: withheld ?? tr(v, "report.kpiNote.romiH"),
      ...(withheld ? {} : ci("romi_h", all?.romiH)),
      ...(romi === null ? {} : { tone: romi >= 1 ? ("good" as const) : ("bad" as const) }),
    },
    ...(["dau", "wau", "mau"] as const).map((k) => ({
      label: k.toUpperCase(),
      value: fmtCount(v, roundOrNull(activity[k].mean)),
      sub: tr(v, `report.kpiNote.${k}`),
    })),
    {
      label: tr(v, "report.kpi.sticky"),
      value: `${fmtShare(v, activity.stickyWau)} · ${fmtShare(v, activity.stickyMau)}`,
      sub: "DAU/WAU · DAU/MAU",
    },
    {
      label: tr(v, "report.kpi.asl"),
      value: fmtDuration(v, sessions.meanS),
      sub: tr(v, "report.kpiNote.asl", { median: fmtDuration(v, sessions.medianS) }),
    },
  ];
  return cards;
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

/** The four cards of the executive summary: revenue, spend, CAC and ROMI at H. */
export function summaryCards(v: RunContext, m: MetricsResult): Html {
  const all = kpiCardList(v, m);
  return html`<div class="cards summary-cards">${[3, 4, 5, 7].map((i) => card(all[i]!))}</div>`;
}
