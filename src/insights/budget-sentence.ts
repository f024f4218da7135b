import type { BudgetPlanDocument } from "../budget/plan-document.ts";
import { budgetText } from "../i18n/budget-messages.ts";
import { formatNumber, type Lang } from "../i18n/index.ts";
import type { MetricsResult } from "../metrics/result.ts";
import type { RunContext } from "../presentation.ts";
import { contextEvidence } from "./phrases.ts";
import type { Evidence, Finding } from "./types.ts";

/** Why there is no plan at all: a device filter (spend has no device), or no source with spend. */
export type NoPlanReason = "spend_not_split_by_device" | "no_paid_source";

export function noPlanReason(metrics: MetricsResult): NoPlanReason {
  return metrics.marketing.withheld === "spend_not_split_by_device"
    ? "spend_not_split_by_device"
    : "no_paid_source";
}

/**
 * The one budget recommendation of an analysis, as a finding (`overall-budget-move`, shown in the
 * executive summary and the verdicts): the plan's sentence, or why the data cannot support a move, or
 * why there is no plan. The rule of thumb "from the cut sources to the scale sources" is gone: it
 * moved money to small sources with nothing about whether they would return as much at more spend.
 */
export function budgetFinding(
  plan: BudgetPlanDocument | null,
  metrics: MetricsResult,
  p: RunContext,
): Finding[] {
  const base = { id: "overall-budget-move", verdict: "info", subject: "overall", key: null } as const;
  if (!plan) {
    const why = noPlanReason(metrics);
    return [
      {
        ...base,
        text: budgetText(p.lang, `budget.none.${why}`),
        evidence: [{ metric: "budget_plan", value: why, unit: "text" }, ...contextEvidence(p)],
      },
    ];
  }
  const evidence: Evidence[] = [
    { metric: "budget_verdict", value: plan.verdict, unit: "text" },
    { metric: "budget_reason", value: plan.reason, unit: "text" },
    { metric: "budget_delta_buyers", value: plan.deltaBuyers.value, unit: "count" },
    { metric: "budget_gain", value: plan.gain.value, unit: "money" },
    { metric: "budget_gain_low", value: plan.gain.low, unit: "money" },
    { metric: "budget_gain_high", value: plan.gain.high, unit: "money" },
    { metric: "margin", value: plan.margin, unit: "ratio" },
    ...contextEvidence(p),
  ];
  return [{ ...base, text: budgetSentence(plan, p.lang, p.currency), evidence }];
}

/**
 * The plan in one sentence for the executive summary: the move and what it is expected to bring, with
 * the interval and the margin, or why the data cannot support a move. Amounts are per month.
 */
export function budgetSentence(plan: BudgetPlanDocument, lang: Lang, currency: string): string {
  const n = (x: number, d = 0): string => formatNumber(lang, x, d);
  const signed = (x: number): string => (x > 0 ? `+${n(x)}` : n(x));
  const margin = n(plan.margin, 2);
  const { horizon } = plan;
  if (plan.verdict === "no_move") {
    const why = budgetText(lang, `budget.why.${plan.reason as Exclude<typeof plan.reason, "supported">}`);
    if (Math.abs(plan.budget - plan.budgetNow) > 1e-6 * plan.budgetNow) {
      const budgets = { budget: n(plan.budget), budgetNow: n(plan.budgetNow), currency };
      return budgetText(lang, "budget.noMoveBudget", { ...budgets, why, margin, horizon });
    }
    const sentence = budgetText(lang, "budget.noMove", { why, margin, horizon });
    // With nothing modelled the reason is in the sources left out (e.g. no buyer credited to any).
    return plan.reason === "fewer_than_two_sources" && plan.skipped.length > 0
      ? `${sentence} ${budgetText(lang, "budget.skipped", {
          list: plan.skipped
            .map((k) => budgetText(lang, `budget.skip.${k.reason}`, { source: k.source }))
            .join("; "),
        })}`
      : sentence;
  }
  if (Math.abs(plan.budget - plan.budgetNow) > 1e-6 * plan.budgetNow) {
    return budgetText(lang, "budget.moveBudget", {
      budget: n(plan.budget),
      budgetNow: n(plan.budgetNow),
      currency,
      buyers: signed(plan.deltaBuyers.value),
      gain: signed(plan.gain.value),
      low: signed(plan.gain.low),
      high: signed(plan.gain.high),
      margin,
    });
  }
  const and = budgetText(lang, "budget.and");
  const list = (ids: string[], side: "from" | "to"): string => {
    const joined =
      ids.length <= 1 ? (ids[0] ?? "") : `${ids.slice(0, -1).join(", ")} ${and} ${ids[ids.length - 1]}`;
    return budgetText(lang, `budget.${side}.${ids.length === 1 ? "one" : "many"}`, { ids: joined });
  };
  const moved = plan.sources.reduce((s, r) => s + Math.max(0, r.spendProposed - r.spendNow), 0);
  return budgetText(lang, "budget.move", {
    amount: n(moved),
    currency,
    from: list(
      plan.sources.filter((r) => r.spendProposed < r.spendNow).map((r) => r.source),
      "from",
    ),
    to: list(
      plan.sources.filter((r) => r.spendProposed > r.spendNow).map((r) => r.source),
      "to",
    ),
    buyers: signed(plan.deltaBuyers.value),
    revenue: signed(plan.deltaRevenue.value),
    low: signed(plan.deltaRevenue.low),
    high: signed(plan.deltaRevenue.high),
    horizon,
    margin,
  });
}
