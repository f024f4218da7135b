/**
 * The budget-plan thread: fits a plan from the plan's part of a slice's metrics. A plan is seconds of
 * pure JavaScript (the bootstrap refits); on the server's own thread (server/budget-plans.ts) it would
 * stop every other request for that long, and in `report` (plan-thread.ts) it runs while the figures
 * are drawn and the tables written.
 */
import { parentPort } from "node:worker_threads";
import type { DailyAcquisitionTable } from "../metrics/daily-acquisition.ts";
import { OptionsError } from "../metrics/options.ts";
import type { PrefittedCurves } from "./budget-plan.ts";
import { type BudgetPlanDocument, curvesAhead, planOfMetrics } from "./plan-document.ts";
import type { PlanMetrics } from "./plan-inputs.ts";
import type { PlanSettings } from "./plan-options.ts";

export interface PlanJob {
  id: number;
  metrics: PlanMetrics;
  settings: PlanSettings;
  only: string[];
}

/**
 * The slice's daily table before its trust numbers: the thread fits the curves now and keeps them for
 * the next job (which takes them only if they fit it). No reply; a failure here is left to that job,
 * which fits again and reports it.
 */
export interface CurvesAheadJob {
  ahead: DailyAcquisitionTable;
}

export type PlanReply =
  /** `fitMs`: wall time of the fit on the thread (Node 20 has no per-thread CPU clock). */
  | { id: number; plan: BudgetPlanDocument | null; fitMs: number }
  | { id: number; error: string; problems?: string[] };

const port = parentPort;
if (!port) throw new Error("plan-worker.ts runs as a worker thread (see plan-thread.ts)");

let ahead: PrefittedCurves | null = null;

port.on("message", (job: PlanJob | CurvesAheadJob) => {
  if ("ahead" in job) {
    try {
      ahead = curvesAhead(job.ahead);
    } catch {
      ahead = null;
    }
    return;
  }
  const { id, metrics, settings, only } = job;
  const started = performance.now();
  try {
    const prefitted = ahead;
    ahead = null;
    const plan = planOfMetrics(metrics, settings, only, prefitted);
    port.postMessage({ id, plan, fitMs: performance.now() - started } satisfies PlanReply);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    const problems = error instanceof OptionsError ? [...error.problems] : undefined;
    port.postMessage({ id, error: e.message, ...(problems ? { problems } : {}) } satisfies PlanReply);
  }
});
