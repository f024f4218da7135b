/**
 * One verdict per source. Paid sources get the budget verdict of insights/trust.ts (scale / cut /
 * watch from the ROMI interval, single buyers and the mature cohorts) and its sentence: the report
 * never states a point-estimate verdict beside it. Unpaid sources get an info line (or too_few_buyers).
 */
import { type MessageKey, t } from "../i18n/index.ts";
import { UNATTRIBUTED } from "../metrics/attribution.ts";
import { naturalIdOrder } from "../metrics/id-order.ts";
import type { MetricsResult } from "../metrics/result.ts";
import type { BySourceRow } from "../metrics/tables.ts";
import type { RunContext } from "../presentation.ts";
import { contextEvidence, countText, modelText, moneyText } from "./phrases.ts";
import { type TrustVerdict, trustVerdicts } from "./trust.ts";
import type { Evidence, Finding, Verdict } from "./types.ts";

export interface SourceAssessment {
  row: BySourceRow;
  verdict: Verdict;
  paid: boolean;
  /** Share of the window's spend (0 for organic sources). */
  spendShare: number;
  /** Attributed buyers of mature cohorts: the count the too_few_buyers rule looks at. */
  ruleBuyers: number;
  /** The engine's flag: fewer than `marketing.tooFewBuyersThreshold` mature buyers. */
  tooFewBuyers: boolean;
  /** The budget verdict of a paid source (null for unpaid ones). */
  trust: TrustVerdict | null;
}

/** The verdict group of a source: the trust verdict's action when paid, else info / too_few_buyers. */
function groupOf(trust: TrustVerdict | null, tooFewBuyers: boolean): Verdict {
  if (trust) return trust.action;
  return tooFewBuyers ? "too_few_buyers" : "info";
}

/**
 * Every source of `by_source` (not `unattributed`) with its verdict, in source-id order. The
 * too_few_buyers rule reads the engine's per-source flags (`marketing.sources`), which count buyers of
 * mature cohorts only; a source the flags do not list has no mature buyer known and is not judged.
 */
export function assessSources(m: MetricsResult, lang: "en" | "ru" = "en"): SourceAssessment[] {
  const flags = new Map(m.marketing.sources.map((f) => [f.source, f]));
  const trust = new Map(trustVerdicts(m, lang).map((v) => [v.source, v]));
  const rows = m.tables.by_source.filter((r) => r.source !== UNATTRIBUTED);
  const totalSpend = rows.reduce((sum, r) => sum + Math.max(r.costs, 0), 0);
  return rows
    .map((row) => {
      const flag = flags.get(row.source);
      const ruleBuyers = flag?.matureBuyers ?? 0;
      const tooFewBuyers = flag?.tooFewBuyers ?? true;
      const verdict = trust.get(row.source) ?? null;
      return {
        row,
        verdict: groupOf(verdict, tooFewBuyers),
        trust: verdict,
        paid: row.costs > 0,
        spendShare: totalSpend > 0 ? Math.max(row.costs, 0) / totalSpend : 0,
        ruleBuyers,
        tooFewBuyers,
      };
    })
    .sort((a, b) => naturalIdOrder(a.row.source, b.row.source));
}

const GROUP_ORDER: Verdict[] = ["scale", "cut", "watch", "too_few_buyers", "info"];

/** The ROMI a source's verdict rests on: observed at H, or its forecast while its cohorts are young. */
export function romiOf(a: SourceAssessment): number | null {
  return a.trust ? a.trust.romi : a.row.romi_h;
}

/** ROMI descending, null last; ties by source id. */
function byRomiDesc(a: SourceAssessment, b: SourceAssessment): number {
  const x = romiOf(a) ?? Number.NEGATIVE_INFINITY;
  const y = romiOf(b) ?? Number.NEGATIVE_INFINITY;
  return y - x || naturalIdOrder(a.row.source, b.row.source);
}

/** Order inside a verdict group: best first to scale, worst first to cut, most buyers first for info. */
function withinGroup(verdict: Verdict): (a: SourceAssessment, b: SourceAssessment) => number {
  if (verdict === "cut") return (a, b) => byRomiDesc(b, a);
  if (verdict === "info") {
    return (a, b) => b.row.buyers - a.row.buyers || naturalIdOrder(a.row.source, b.row.source);
  }
  if (verdict === "too_few_buyers") return (a, b) => naturalIdOrder(a.row.source, b.row.source);
  return byRomiDesc;
}

/** Findings in the brief's order: scale, cut, watch, too_few_buyers, info. */
export function sourceFindings(assessed: SourceAssessment[], p: RunContext, min: number): Finding[] {
  const out: Finding[] = [];
  for (const verdict of GROUP_ORDER) {
    const group = assessed.filter((a) => a.verdict === verdict).sort(withinGroup(verdict));
    for (const a of group) out.push(sourceFinding(a, p, min));
  }
  return out;
}

function sentenceKey(a: SourceAssessment): MessageKey {
  if (a.verdict !== "too_few_buyers") return "insight.source.organic";
  // The rule counts buyers of mature cohorts; when young cohorts hold more, the sentence says both
  // (else "0 buyers" sits beside the evidence's "buyers 1").
  return a.ruleBuyers === a.row.buyers
    ? "insight.source.tooFewOrganic"
    : "insight.source.tooFewOrganicMature";
}

function sourceFinding(a: SourceAssessment, p: RunContext, min: number): Finding {
  const { row } = a;
  const text =
    a.trust?.text ??
    t(p.lang, sentenceKey(a), {
      source: row.source,
      horizon: p.horizon,
      buyers: countText(p, a.verdict === "too_few_buyers" ? a.ruleBuyers : row.buyers),
      all: countText(p, row.buyers),
      min,
      ltv: moneyText(p, row.ltv_h),
      model: modelText(p),
    });
  return {
    id: `source-${row.source}-${a.verdict}`,
    verdict: a.verdict,
    subject: "source",
    key: row.source,
    text,
    evidence: sourceEvidence(a, p),
  };
}

function sourceEvidence(a: SourceAssessment, p: RunContext): Evidence[] {
  const { row, trust } = a;
  const evidence: Evidence[] = [{ metric: "buyers", value: row.buyers, unit: "count" }];
  if (a.ruleBuyers !== row.buyers)
    evidence.push({ metric: "buyers_mature", value: a.ruleBuyers, unit: "count" });
  if (trust) {
    evidence.push(
      { metric: trust.basis === "forecast" ? "romi_h_forecast" : "romi_h", value: trust.romi, unit: "ratio" },
      { metric: "romi_h_low", value: trust.low, unit: "ratio" },
      { metric: "romi_h_high", value: trust.high, unit: "ratio" },
      { metric: "mature_cohorts", value: trust.matureCohorts, unit: "count" },
    );
    if (trust.topBuyerShare !== null)
      evidence.push(
        { metric: "top_buyer_share", value: trust.topBuyerShare, unit: "share" },
        { metric: "romi_h_without_top_buyer", value: trust.romiWithoutTopBuyer, unit: "ratio" },
      );
    evidence.push(
      { metric: "payback_lifetime", value: row.payback_lifetime, unit: "months" },
      { metric: "cac", value: row.cac, unit: typeof row.cac === "number" ? "money" : "text" },
      { metric: "costs", value: row.costs, unit: "money" },
      { metric: "spend_share", value: a.spendShare, unit: "share" },
    );
  }
  evidence.push({ metric: "ltv_h", value: row.ltv_h, unit: "money" }, ...contextEvidence(p));
  return evidence;
}
