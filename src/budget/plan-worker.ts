/**
 * The budget-plan thread: fits a plan from the plan's part of a slice's metrics. A plan is seconds of
 * pure JavaScript (the bootstrap refits); on the server's own thread (server/budget-plans.ts) it would
 * stop every other request for that long, and in `report` (plan-thread.ts) it runs while the figures
 * are drawn and the tables written.
 */
import { parentPort } from "node:worker_threads";
import { OptionsError } from "../metrics/options.ts";
import { type BudgetPlanDocument, planOfMetrics } from "./plan-document.ts";
import type { PlanMetrics } from "./plan-inputs.ts";
import type { PlanSettings } from "./plan-options.ts";

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
if (!port) throw new Error("plan-worker.ts runs as a worker thread (see plan-thread.ts)");

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
