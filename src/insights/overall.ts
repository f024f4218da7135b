/**
 * The memo's bottom line: does marketing as a whole pay back within H, and where should budget move
 * (from the worst `cut` sources to the best `scale` sources, with the spend they take now).
 */
import { type MessageKey, t } from "../i18n/index.ts";
import { naturalIdOrder } from "../metrics/id-order.ts";
import type { MetricsResult } from "../metrics/result.ts";
import type { RunContext } from "../presentation.ts";
import { contextEvidence, modelText, moneyText, romiText, shareText, sourceListText } from "./phrases.ts";
import { romiOf, type SourceAssessment } from "./sources.ts";
import { BUDGET_MOVE_SOURCES, SCALE_ROMI } from "./thresholds.ts";
import { intervalText, matureBasisText } from "./trust.ts";
import type { Evidence, Finding } from "./types.ts";

/**
 * "Overall, marketing does not pay back yet: … spent, ROMI 0.77 (90 % interval 0.70–0.85) within 6
 * months", when measurable. With an interval the sentence follows the same rule as the sources: it
 * pays back only when the whole interval is above 1, does not when the whole is below, else it cannot
 * be told. It states the mature cohorts it rests on.
 */
export function overallRomiFinding(m: MetricsResult, p: RunContext): Finding[] {
  const romi = m.marketing.romiH;
  if (romi === null) return [];
  const spend = m.data.costs;
  const all = m.trust?.intervals.bySource.find((s) => s.source === "all")?.romiH ?? null;
  const level = m.trust?.intervals.level ?? m.options.confidence;
  const low = all?.low ?? null;
  const high = all?.high ?? null;
  const bounded = low !== null && high !== null;
  const key: MessageKey = !bounded
    ? romi >= SCALE_ROMI
      ? "insight.overall.pays"
      : "insight.overall.notPays"
    : low > SCALE_ROMI
      ? "insight.overall.pays"
      : high < SCALE_ROMI
        ? "insight.overall.notPays"
        : "insight.overall.unclear";
  const mature = m.ltv.matureCohorts.length;
  return [
    {
      id: "overall-romi",
      verdict: "info",
      subject: "overall",
      key: null,
      text: t(p.lang, key, {
        spend: moneyText(p, spend),
        romi: romiText(p, romi),
        interval: intervalText(p.lang, level, low, high),
        horizon: p.horizon,
        model: modelText(p),
        basis: matureBasisText(p.lang, mature),
      }),
      evidence: [
        { metric: "romi_h", value: romi, unit: "ratio" },
        { metric: "romi_h_low", value: low, unit: "ratio" },
        { metric: "romi_h_high", value: high, unit: "ratio" },
        { metric: "mature_cohorts", value: mature, unit: "count" },
        { metric: "costs", value: spend, unit: "money" },
        ...contextEvidence(p),
      ],
    },
  ];
}

/** The sources of one verdict, best (scale) or worst (cut) first, at most BUDGET_MOVE_SOURCES. */
function pick(assessed: SourceAssessment[], verdict: "scale" | "cut"): SourceAssessment[] {
  const sign = verdict === "scale" ? -1 : 1;
  return assessed
    .filter((a) => a.verdict === verdict)
    .sort(
      (a, b) => sign * ((romiOf(a) ?? 0) - (romiOf(b) ?? 0)) || naturalIdOrder(a.row.source, b.row.source),
    )
    .slice(0, BUDGET_MOVE_SOURCES);
}

/** One finding naming where budget should go; none when nothing is paid for. */
export function budgetMoveFinding(assessed: SourceAssessment[], p: RunContext): Finding[] {
  if (!assessed.some((a) => a.paid)) return [];
  const cut = pick(assessed, "cut");
  const scale = pick(assessed, "scale");
  const share = (list: SourceAssessment[]) => list.reduce((s, a) => s + a.spendShare, 0);
  const names = (list: SourceAssessment[]) =>
    sourceListText(
      p,
      list.map((a) => ({ source: a.row.source, romi: romiOf(a) })),
    );
  const key: MessageKey =
    cut.length > 0 && scale.length > 0
      ? "insight.budget.move"
      : cut.length > 0
        ? "insight.budget.cutOnly"
        : scale.length > 0
          ? "insight.budget.scaleOnly"
          : "insight.budget.none";
  const text = t(p.lang, key, {
    cut: names(cut),
    scale: names(scale),
    cutShare: shareText(p, share(cut)),
    scaleShare: shareText(p, share(scale)),
    horizon: p.horizon,
    model: modelText(p),
  });
  const evidence: Evidence[] = [
    { metric: "cut_sources", value: cut.map((a) => a.row.source).join(","), unit: "text" },
    { metric: "cut_spend_share", value: share(cut), unit: "share" },
    { metric: "scale_sources", value: scale.map((a) => a.row.source).join(","), unit: "text" },
    { metric: "scale_spend_share", value: share(scale), unit: "share" },
    ...[...cut, ...scale].map(
      (a): Evidence => ({ metric: `romi_h:${a.row.source}`, value: romiOf(a), unit: "ratio" }),
    ),
    ...contextEvidence(p),
  ];
  return [{ id: "overall-budget-move", verdict: "info", subject: "overall", key: null, text, evidence }];
}
