/**
 * Metrics -> findings a marketer can paste into a memo, each with the numbers it rests on and the
 * horizon and attribution model it was judged with (spec: "Insights").
 */
import { budgetFinding } from "./budget-sentence.ts";
import { cohortFindings } from "./cohorts.ts";
import { caveatFindings } from "./data-quality.ts";
import { overallRomiFinding } from "./overall.ts";
import { flipFindings, sensitivityRows } from "./sensitivity.ts";
import { assessSources, sourceFindings } from "./sources.ts";
import type { InsightInput, Insights } from "./types.ts";

export * from "./thresholds.ts";
export type * from "./types.ts";

/**
 * Findings from the metrics of every attribution model; `context.attribution` picks the model the
 * verdicts are stated in, the other two only feed the sensitivity rows and flip cautions.
 *
 * Order: per source scale, cut, watch (the budget verdicts of insights/trust.ts), too_few_buyers, info;
 * then the overall ROMI and the budget plan's recommendation (`budget`); the most promising cohorts;
 * sources whose verdict depends on the model; data caveats.
 */
export function deriveInsights({ byModel, context: p, qualityNotes = [], budget }: InsightInput): Insights {
  if (!Number.isInteger(p.horizon) || p.horizon < 1) {
    throw new Error(`invalid horizon: ${JSON.stringify(p.horizon)} (expected a whole number of months ≥ 1)`);
  }
  const m = byModel[p.attribution];
  if (!m) throw new Error(`deriveInsights: no metrics for the "${p.attribution}" model`);
  if (m.ltv.horizon !== p.horizon) {
    throw new Error(`deriveInsights: metrics computed for H = ${m.ltv.horizon}, context says ${p.horizon}`);
  }
  const assessed = assessSources(m, p.lang);
  const sensitivity = sensitivityRows(byModel);
  const findings = [
    ...sourceFindings(assessed, p, m.marketing.tooFewBuyersThreshold),
    ...overallRomiFinding(m, p),
    // The budget move is the plan's (src/budget), when the caller computed one (undefined: not computed).
    ...(budget === undefined ? [] : budgetFinding(budget, m, p)),
    ...cohortFindings(m, p),
    ...flipFindings(sensitivity, assessed, p),
    ...caveatFindings(m.tables, qualityNotes, p),
  ];
  return { horizon: p.horizon, attribution: p.attribution, findings, sensitivity };
}
