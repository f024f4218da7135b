/**
 * The budget-plan thread (see budget-plans.ts): fits a plan from the plan's part of a slice's metrics.
 * A plan is seconds of pure JavaScript (the bootstrap refits); on the server's own thread it would
 * stop every other request for that long.
 */
import { parentPort } from "node:worker_threads";
import { type BudgetPlanDocument, planOfMetrics } from "../budget/plan-document.ts";
import type { PlanMetrics } from "../budget/plan-inputs.ts";
import type { PlanSettings } from "../budget/plan-options.ts";
import { OptionsError } from "../metrics/options.ts";

export interface PlanJob {
  id: number;
  metrics: PlanMetrics;
  settings: PlanSettings;
  only: string[];
}

export type PlanReply =
  /** `fitMs`: wall time of the fit on the thread (Node 20 has no per-thread CPU clock). */
  | { id: number; plan: BudgetPlanDocument | null; fitMs: number }
  | { id: number; error: string; problems?: string[] };

const port = parentPort;
if (!port) throw new Error("budget-worker.ts runs as a worker thread (see budget-plans.ts)");

port.on("message", ({ id, metrics, settings, only }: PlanJob) => {
  const started = performance.now();
  try {
    const plan = planOfMetrics(metrics, settings, only);
    port.postMessage({ id, plan, fitMs: performance.now() - started } satisfies PlanReply);
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    const problems = error instanceof OptionsError ? [...error.problems] : undefined;
    port.postMessage({ id, error: e.message, ...(problems ? { problems } : {}) } satisfies PlanReply);
  }
});
