/**
 * Tables -> findings a marketer can paste into a memo, each with the numbers it rests on and the
 * horizon and attribution model it was judged with (spec: "Insights").
 */
import type { Attribution, Tables } from "../metrics/tables.ts";
import { cohortFindings } from "./cohorts.ts";
import { caveatFindings } from "./data-quality.ts";
import { budgetMoveFinding, overallRomiFinding } from "./overall.ts";
import type { Phrasing } from "./phrases.ts";
import { flipFindings, sensitivityRows } from "./sensitivity.ts";
import { assessSources, sourceFindings } from "./sources.ts";
import type { InsightOptions, Insights } from "./types.ts";

export { classifySource } from "./sources.ts";
export * from "./thresholds.ts";
export type * from "./types.ts";

/**
 * Findings from the tables of every attribution model; `opts.attribution` picks the model the
 * verdicts are stated in, the other two only feed the sensitivity rows and flip cautions.
 *
 * Order: per source scale, cut, watch, too_few_buyers, info; then the overall ROMI and the budget
 * move; the most promising cohorts; sources whose verdict depends on the model; data caveats.
 */
export function deriveInsights(byModel: Record<Attribution, Tables>, opts: InsightOptions): Insights {
  if (!Number.isInteger(opts.horizon) || opts.horizon < 1) {
    throw new Error(
      `invalid horizon: ${JSON.stringify(opts.horizon)} (expected a whole number of months ≥ 1)`,
    );
  }
  const tables = byModel[opts.attribution];
  if (!tables) throw new Error(`deriveInsights: no tables for the "${opts.attribution}" model`);
  const p: Phrasing = {
    lang: opts.lang,
    currency: opts.currency,
    horizon: opts.horizon,
    attribution: opts.attribution,
  };
  const assessed = assessSources(tables, opts.horizon, opts.matureBuyers?.[opts.attribution]);
  const sensitivity = sensitivityRows(byModel, opts.horizon, opts.matureBuyers);
  const findings = [
    ...sourceFindings(assessed, p),
    ...overallRomiFinding(tables, assessed, p),
    ...budgetMoveFinding(assessed, p),
    ...cohortFindings(tables, p),
    ...flipFindings(sensitivity, assessed, p),
    ...caveatFindings(tables, opts.qualityNotes ?? [], p),
  ];
  return { horizon: opts.horizon, attribution: opts.attribution, findings, sensitivity };
}
