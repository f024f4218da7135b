/** The verdict: findings grouped by what they recommend, each with the numbers it rests on. */
import { tMaybe } from "../../i18n/index.ts";
import { joinAnd } from "../../insights/phrases.ts";
import type { Evidence, Finding, Insights, Verdict } from "../../insights/types.ts";
import { UNATTRIBUTED } from "../../metrics/attribution.ts";
import { ATTRIBUTIONS } from "../../metrics/options.ts";
import type { RunContext } from "../../presentation.ts";
import {
  attributionName,
  DASH,
  fmtCount,
  fmtMoney,
  fmtMonths,
  fmtPayback,
  fmtRatio,
  fmtShare,
  sourceName,
  tr,
} from "./format.ts";
import { type Html, html } from "./html.ts";

/** Groups in reading order: what to do first, then what to be careful about. */
const GROUPS: readonly Verdict[] = ["scale", "cut", "watch", "too_few_buyers", "caveat", "info"];

/** An evidence value in its unit; text values that name a model or `unattributed` are translated. */
export function evidenceValue(v: RunContext, e: Evidence): string {
  if (e.value === null) return e.metric === "payback_lifetime" ? tr(v, "report.payback.notYet") : DASH;
  if (typeof e.value === "string") {
    if (e.value === "infinite") return "∞";
    if (e.value === "no_spend") return tr(v, "cac.noSpend");
    if (e.unit === "text" && e.metric.startsWith("verdict"))
      return tMaybe(v.lang, `report.verdictValue.${e.value}`, e.value);
    // A list of sources ("9,10,4") reads as decimals in Russian: write it as words ("9, 10 и 4").
    if (e.unit === "text" && e.metric.endsWith("_sources"))
      return joinAnd(
        v.lang,
        e.value
          .split(",")
          .filter((x) => x !== "")
          .map((x) => sourceName(v, x)),
      );
    if (e.unit === "text") return sourceName(v, attributionName(v, e.value));
    const n = Number(e.value);
    if (!Number.isFinite(n)) return e.value;
    return evidenceValue(v, { ...e, value: n });
  }
  switch (e.unit) {
    case "ratio":
      return fmtRatio(v, e.value);
    case "money":
      return fmtMoney(v, e.value);
    case "count":
      return fmtCount(v, e.value);
    case "share":
      return fmtShare(v, e.value);
    case "months":
      // Lifetimes are zero-based; a reader counts months from 1 (lifetime 0 = the cohort month).
      if (e.metric === "payback_lifetime") return fmtPayback(v, e.value);
      if (e.metric === "lifetime") return fmtCount(v, e.value + 1);
      return fmtMonths(v, e.value);
    default:
      return String(e.value);
  }
}

/**
 * The evidence's name: a known metric in the report's language, else the metric id as given. Per-model
 * evidence (`romi_h:linear`) reads as the metric followed by the model.
 */
export function evidenceLabel(v: RunContext, metric: string): string {
  const [base = metric, suffix] = metric.split(":");
  const label = tMaybe(v.lang, `report.evidence.${base}`, base).replaceAll("{horizon}", String(v.horizon));
  if (suffix === undefined) return label;
  // The suffix names a model (romi_h:linear), a source (romi_h:3) or a cohort (ltv:2017-10).
  const isModel = (ATTRIBUTIONS as readonly string[]).includes(suffix);
  const what = isModel ? attributionName(v, suffix) : base === "romi_h" ? sourceLabel(v, suffix) : suffix;
  return `${label} · ${what}`;
}

function sourceLabel(v: RunContext, source: string): string {
  return source === UNATTRIBUTED
    ? sourceName(v, source)
    : `${tMaybe(v.lang, "report.evidence.source", "source")} ${source}`;
}

/**
 * Evidence not repeated as chips: what every finding shares (stated once above the verdicts), and the
 * interval bounds, which the sentence itself states as "(90 % interval 0.70–0.85)".
 */
const STATED_ONCE = new Set(["horizon_months", "attribution", "romi_h_low", "romi_h_high"]);

function finding(v: RunContext, f: Finding): Html {
  const chips = f.evidence
    .filter((e) => !STATED_ONCE.has(e.metric))
    .map((e) => html`<li><b>${evidenceLabel(v, e.metric)}</b> ${evidenceValue(v, e)}</li>`);
  return html`<li data-finding="${f.id}"><p>${f.text}</p>${
    chips.length ? html`<ul class="evidence">${chips}</ul>` : ""
  }</li>`;
}

/** The verdict section body; a short note when insights were not computed or found nothing. */
export function verdictBody(v: RunContext, insights: Insights | null): Html {
  if (insights === null) return html`<p class="note">${tr(v, "report.verdict.none")}</p>`;
  const basis = html`<p class="note">${tr(v, "report.verdict.basis", {
    attribution: attributionName(v, insights.attribution),
    horizon: insights.horizon,
  })}</p>`;
  if (insights.findings.length === 0) return html`${basis}<p>${tr(v, "report.verdict.empty")}</p>`;
  const groups = GROUPS.map((g) => {
    const items = insights.findings.filter((f) => f.verdict === g);
    if (items.length === 0) return "";
    return html`<div class="verdict-group verdict-${g}"><h3>${tr(v, `report.verdict.${g}`)}</h3><ul class="findings">${items.map(
      (f) => finding(v, f),
    )}</ul></div>`;
  });
  return html`${basis}${groups}`;
}

/** The findings a reader needs first: the overall return and where the budget should move. */
const AT_A_GLANCE = new Set(["overall-romi", "overall-budget-move"]);

/**
 * The executive summary at the top of page 1: the overall ROMI and the budget move in two sentences,
 * under the four numbers they rest on (revenue, spend, CAC, ROMI at H).
 */
export function summaryBody(insights: Insights, cards: Html): Html | null {
  const lines = insights.findings.filter((f) => AT_A_GLANCE.has(f.id));
  if (lines.length === 0) return null;
  return html`${cards}<ul class="summary">${lines.map((f) => html`<li>${f.text}</li>`)}</ul>`;
}
