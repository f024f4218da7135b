/**
 * One verdict per source, from the chosen model's by_source row: scale, cut or watch for paid
 * sources, too_few_buyers when the source cannot be ranked, info for organic (unpaid) sources.
 */
import { type MessageKey, t } from "../i18n/index.ts";
import { UNATTRIBUTED } from "../metrics/attribution.ts";
import { naturalIdOrder } from "../metrics/id-order.ts";
import type { MetricsResult } from "../metrics/result.ts";
import type { BySourceRow } from "../metrics/tables.ts";
import type { RunContext } from "../presentation.ts";
import {
  cacText,
  contextEvidence,
  countText,
  modelText,
  moneyText,
  paybackText,
  romiText,
  shareText,
} from "./phrases.ts";
import { CUT_ROMI, SCALE_ROMI } from "./thresholds.ts";
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
}

/**
 * The verdict of one source. `tooFewBuyers` is the engine's flag (too few attributed buyers in mature
 * cohorts, docs/decisions.md); H is the horizon in months, so "pays back within H" means a payback
 * lifetime of at most H-1.
 */
export function classifySource(row: BySourceRow, tooFewBuyers: boolean, horizon: number): Verdict {
  const paid = row.costs > 0;
  if (tooFewBuyers) return "too_few_buyers";
  if (!paid) return "info";
  const romi = row.romi_h;
  if (
    (romi !== null && romi >= SCALE_ROMI) ||
    (row.payback_lifetime !== null && row.payback_lifetime <= horizon - 1)
  ) {
    return "scale";
  }
  if (romi !== null && romi < CUT_ROMI) return "cut";
  return "watch";
}

/**
 * Every source of `by_source` (not `unattributed`) with its verdict, in source-id order. The
 * too_few_buyers rule reads the engine's per-source flags (`marketing.sources`), which count buyers of
 * mature cohorts only; a source the flags do not list has no mature buyer known and is not judged.
 */
export function assessSources(m: MetricsResult): SourceAssessment[] {
  const flags = new Map(m.marketing.sources.map((f) => [f.source, f]));
  const rows = m.tables.by_source.filter((r) => r.source !== UNATTRIBUTED);
  const totalSpend = rows.reduce((sum, r) => sum + Math.max(r.costs, 0), 0);
  return rows
    .map((row) => {
      const flag = flags.get(row.source);
      const ruleBuyers = flag?.matureBuyers ?? 0;
      const tooFewBuyers = flag?.tooFewBuyers ?? true;
      return {
        row,
        verdict: classifySource(row, tooFewBuyers, m.ltv.horizon),
        paid: row.costs > 0,
        spendShare: totalSpend > 0 ? Math.max(row.costs, 0) / totalSpend : 0,
        ruleBuyers,
        tooFewBuyers,
      };
    })
    .sort((a, b) => naturalIdOrder(a.row.source, b.row.source));
}

const GROUP_ORDER: Verdict[] = ["scale", "cut", "watch", "too_few_buyers", "info"];

/** ROMI descending, null last; ties by source id. */
function byRomiDesc(a: SourceAssessment, b: SourceAssessment): number {
  const x = a.row.romi_h ?? Number.NEGATIVE_INFINITY;
  const y = b.row.romi_h ?? Number.NEGATIVE_INFINITY;
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
  switch (a.verdict) {
    case "scale":
      return "insight.source.scale";
    case "cut":
      return "insight.source.cut";
    case "too_few_buyers":
      return a.paid ? "insight.source.tooFew" : "insight.source.tooFewOrganic";
    case "info":
      return "insight.source.organic";
    default:
      return a.row.romi_h === null ? "insight.source.unmeasured" : "insight.source.watch";
  }
}

function sourceFinding(a: SourceAssessment, p: RunContext, min: number): Finding {
  const { row } = a;
  const text = t(p.lang, sentenceKey(a), {
    source: row.source,
    romi: romiText(p, row.romi_h),
    horizon: p.horizon,
    payback: paybackText(p, row.payback_lifetime),
    cac: cacText(p, row.cac),
    share: shareText(p, a.spendShare),
    buyers: countText(p, a.verdict === "too_few_buyers" ? a.ruleBuyers : row.buyers),
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
  const { row } = a;
  const evidence: Evidence[] = [{ metric: "buyers", value: row.buyers, unit: "count" }];
  if (a.ruleBuyers !== row.buyers)
    evidence.push({ metric: "buyers_mature", value: a.ruleBuyers, unit: "count" });
  if (a.paid) {
    evidence.push(
      { metric: "romi_h", value: row.romi_h, unit: "ratio" },
      { metric: "payback_lifetime", value: row.payback_lifetime, unit: "months" },
      { metric: "cac", value: row.cac, unit: typeof row.cac === "number" ? "money" : "text" },
      { metric: "costs", value: row.costs, unit: "money" },
      { metric: "spend_share", value: a.spendShare, unit: "share" },
    );
  }
  evidence.push({ metric: "ltv_h", value: row.ltv_h, unit: "money" }, ...contextEvidence(p));
  return evidence;
}
