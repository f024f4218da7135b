/**
 * The memo's bottom line: does marketing as a whole pay back within H, and where should budget move
 * (from the worst `cut` sources to the best `scale` sources, with the spend they take now).
 */
import { type MessageKey, t } from "../i18n/index.ts";
import { naturalIdOrder } from "../metrics/id-order.ts";
import type { MetricsResult } from "../metrics/result.ts";
import type { RunContext } from "../presentation.ts";
import { contextEvidence, modelText, moneyText, romiText, shareText, sourceListText } from "./phrases.ts";
import type { SourceAssessment } from "./sources.ts";
import { BUDGET_MOVE_SOURCES, SCALE_ROMI } from "./thresholds.ts";
import type { Evidence, Finding } from "./types.ts";

/** "Overall, marketing does not pay back yet: … spent, ROMI 0.77 within 6 months", when measurable. */
export function overallRomiFinding(m: MetricsResult, p: RunContext): Finding[] {
  const romi = m.marketing.romiH;
  if (romi === null) return [];
  const spend = m.data.costs;
  const key: MessageKey = romi >= SCALE_ROMI ? "insight.overall.pays" : "insight.overall.notPays";
  return [
    {
      id: "overall-romi",
      verdict: "info",
      subject: "overall",
      key: null,
      text: t(p.lang, key, {
        spend: moneyText(p, spend),
        romi: romiText(p, romi),
        horizon: p.horizon,
        model: modelText(p),
      }),
      evidence: [
        { metric: "romi_h", value: romi, unit: "ratio" },
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
      (a, b) =>
        sign * ((a.row.romi_h ?? 0) - (b.row.romi_h ?? 0)) || naturalIdOrder(a.row.source, b.row.source),
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
      list.map((a) => ({ source: a.row.source, romi: a.row.romi_h })),
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
      (a): Evidence => ({ metric: `romi_h:${a.row.source}`, value: a.row.romi_h, unit: "ratio" }),
    ),
    ...contextEvidence(p),
  ];
  return [{ id: "overall-budget-move", verdict: "info", subject: "overall", key: null, text, evidence }];
}
