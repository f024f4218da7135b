/**
 * One budget plan fitted on a thread of its own, for `report`: the plan is seconds of single-threaded
 * JavaScript that needs only the metrics, so it runs while the main thread writes the tables and the
 * figure threads draw (the figures and tables do not read the plan). The thread is started with the
 * report, so that its modules are loaded while DuckDB ingests, and ends after its one plan.
 */
import { Worker } from "node:worker_threads";
import type { DailyAcquisitionTable } from "../metrics/daily-acquisition.ts";
import { OptionsError } from "../metrics/options.ts";
import type { BudgetPlanDocument } from "./plan-document.ts";
import type { PlanMetrics } from "./plan-inputs.ts";
import { planMetricsOf } from "./plan-inputs.ts";
import type { PlanSettings } from "./plan-options.ts";
import type { CurvesAheadJob, PlanJob, PlanReply } from "./plan-worker.ts";

const WORKER = new URL(`./plan-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);

export interface FittedPlan {
  plan: BudgetPlanDocument | null;
  /** Wall milliseconds of the fit on its thread (Node 20 has no per-thread CPU clock). */
  fitMs: number;
}

export class PlanThread {
  private readonly worker = startWorker();
  private readonly reply: Promise<PlanReply>;

  constructor() {
    this.reply = new Promise((resolve, reject) => {
      this.worker.once("message", resolve);
      this.worker.once("error", reject);
      this.worker.once("exit", (code) =>
        reject(new Error(`the budget plan thread exited with code ${code} before its plan`)),
      );
    });
    // Nobody may be waiting yet when the thread fails (it is started before ingest); the failure is
    // raised by fit(), not as an unhandled rejection.
    this.reply.catch(() => {});
  }

  /**
   * Starts fitting the response curves of the plan's daily table `table` now, before the metrics the
   * plan needs are complete (the trust numbers that value a buyer): fit() then takes them when they
   * are the curves its plan fits, which is the rest of a few seconds' fit moved into the metrics.
   */
  curvesAhead(table: DailyAcquisitionTable): void {
    this.worker.postMessage({ ahead: table } satisfies CurvesAheadJob);
  }

  /** The plan of `metrics` (planOfMetrics on the thread); an OptionsError stays one (a budget out of reach). */
  async fit(metrics: PlanMetrics, settings: PlanSettings): Promise<FittedPlan> {
    const job: PlanJob = { id: 0, metrics: planMetricsOf(metrics), settings, only: [] };
    this.worker.postMessage(job);
    const reply = await this.reply;
    if ("error" in reply) throw reply.problems ? new OptionsError(reply.problems) : new Error(reply.error);
    return { plan: reply.plan, fitMs: reply.fitMs };
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * A worker on plan-worker. From dist/ it is plain JavaScript; from the sources it needs tsx's loader,
 * which Node 20 does not pass on to workers (as in charts/render-pool.ts).
 */
function startWorker(): Worker {
  if (!WORKER.pathname.endsWith(".ts")) return new Worker(WORKER);
  const api = import.meta.resolve("tsx/esm/api");
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER.href)}); });`;
  return new Worker(code, { eval: true });
}
