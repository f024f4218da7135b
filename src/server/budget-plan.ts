import type { BudgetPlanDocument } from "../budget/plan-document.ts";
import { planOfMetrics } from "../budget/plan-document.ts";
import { normalizePlanOptions } from "../budget/plan-options.ts";
import { sliceCube } from "../metrics/cube.ts";
import type { Dataset } from "./dataset.ts";

/**
 * The budget plan of the whole data under the default options, computed once when the server starts:
 * its bootstrap takes seconds of CPU, too long to run on the request path. The dashboard shows it
 * only for the unfiltered view (a filtered view would need its own plan) and lets the user vary
 * spend and margin in the browser.
 */
export async function wholeDataPlan(dataset: Dataset): Promise<BudgetPlanDocument | null> {
  const { from, to } = dataset.dataQuality.window;
  // The dataset's own cube: the whole data's slice under the default options, with the daily input.
  const byModel = await sliceCube(dataset.cube, { from, to, currency: dataset.catalog.currency });
  return planOfMetrics(byModel["first-touch"], normalizePlanOptions({}));
}
