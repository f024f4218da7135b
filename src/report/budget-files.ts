/**
 * The budget plan's tables: tables/budget_plan.csv and tables/response_curves.csv (its figure,
 * figures/response-curves.svg, is drawn with the others: write-report.ts).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BudgetPlanDocument } from "../budget/plan-document.ts";
import { toCsv } from "./csv-tables.ts";

/** Columns of tables/budget_plan.csv (amounts per month; deltas against today's spend). */
export const BUDGET_PLAN_COLUMNS = [
  "source",
  "spend_now",
  "spend_proposed",
  "delta_buyers",
  "delta_buyers_low",
  "delta_buyers_high",
  "delta_revenue",
  "delta_revenue_low",
  "delta_revenue_high",
] as const;

export const RESPONSE_CURVE_COLUMNS = [
  "source",
  "elasticity",
  "elasticity_low",
  "elasticity_high",
  "marginal_cac",
] as const;

/**
 * Writes tables/budget_plan.csv and tables/response_curves.csv (none when there is no plan). The
 * plan's proposed spend is what the plan would do; whether the data support it is in metrics.json
 * (`budget.verdict`) and the report, which always show it with the margin and the caveat.
 */
export function writeBudgetCsv(plan: BudgetPlanDocument | null, dir: string): string[] {
  if (!plan) return [];
  const planPath = join(dir, "budget_plan.csv");
  writeFileSync(
    planPath,
    toCsv(
      plan.sources.map((s) => ({
        source: s.source,
        spend_now: s.spendNow,
        spend_proposed: s.spendProposed,
        delta_buyers: s.deltaBuyers.value,
        delta_buyers_low: s.deltaBuyers.low,
        delta_buyers_high: s.deltaBuyers.high,
        delta_revenue: s.deltaRevenue.value,
        delta_revenue_low: s.deltaRevenue.low,
        delta_revenue_high: s.deltaRevenue.high,
      })),
      BUDGET_PLAN_COLUMNS,
    ),
  );
  const curvesPath = join(dir, "response_curves.csv");
  writeFileSync(
    curvesPath,
    toCsv(
      plan.sources.map((s) => ({
        source: s.source,
        elasticity: s.elasticity,
        elasticity_low: s.elasticityLow,
        elasticity_high: s.elasticityHigh,
        marginal_cac: s.marginalCacNow,
      })),
      RESPONSE_CURVE_COLUMNS,
    ),
  );
  return [planPath, curvesPath];
}
