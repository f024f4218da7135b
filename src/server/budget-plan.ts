import type { BudgetPlanDocument } from "../budget/plan-document.ts";
import { planOfMetrics } from "../budget/plan-document.ts";
import { normalizePlanOptions } from "../budget/plan-options.ts";
import { sliceCube } from "../metrics/cube.ts";
import type { Dataset } from "./dataset.ts";

/**
 * The budget plan of the whole data under the default options, computed once when the server starts:
 * the default view's analysis document carries it (and its sentence in the summary), and /api/budget
 * serves it without a fit (budget-plans.ts). Every other view's plan is fitted on request.
 */
export async function wholeDataPlan(dataset: Dataset): Promise<BudgetPlanDocument | null> {
  const { from, to } = dataset.dataQuality.window;
  // The dataset's own cube: the whole data's slice under the default options, with the daily input.
  const { currency, forecastModel } = dataset.catalog;
  const byModel = await sliceCube(dataset.cube, {
    from,
    to,
    currency,
    ...(forecastModel ? { forecastModel } : {}),
  });
  return planOfMetrics(byModel["first-touch"], normalizePlanOptions({}));
}
