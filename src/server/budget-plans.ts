/**
 * `GET /api/budget`: the budget plan for the request's window, attribution model, horizon and margin,
 * and its source filter. Meaning of the filters (docs/decisions.md, "Budget plan"):
 *  - a device filter gets no plan: spend has no device (`none: spend_not_split_by_device`);
 *  - a source filter restricts the plan to those sources: budget moves among them only, and each
 *    source's curve is fitted on every buyer credited to it (the unfiltered slice), not only on the
 *    users the filter keeps, whom other sources' spend also brought.
 * The input is the unfiltered slice with its trust numbers (the daily table and the LTV forecast), from
 * the analysis service's cache; the fit runs on one worker thread, plans one after another, and is
 * kept per (window, horizon, margin, model, sources): a plan costs seconds, a cached one nothing.
 */
import { Worker } from "node:worker_threads";
import type { BudgetPlanDocument } from "../budget/plan-document.ts";
import { planMetricsOf } from "../budget/plan-inputs.ts";
import { normalizePlanOptions } from "../budget/plan-options.ts";
import type { PlanJob, PlanReply } from "../budget/plan-worker.ts";
import { budgetText } from "../i18n/budget-messages.ts";
import { budgetSentence, type NoPlanReason } from "../insights/budget-sentence.ts";
import { OptionsError } from "../metrics/options.ts";
import { runContext } from "../presentation.ts";
import type { AnalysisService } from "./analysis-service.ts";
import { Lru, Memo } from "./cache.ts";
import type { Dataset } from "./dataset.ts";
import { type AnalysisRequest, parseAnalysisQuery } from "./params.ts";
import { ServerStopping } from "./stopping.ts";

/** What the dashboard's panel shows: the plan, or why there is none, and the data it was fitted on. */
export interface BudgetPlanResponse {
  plan: BudgetPlanDocument | null;
  /** Why there is no plan (null when there is one). */
  none: NoPlanReason | null;
  /** The data the plan is fitted on and the sources it may move (empty: every paid source). */
  basis: {
    from: string;
    to: string;
    attribution: string;
    horizon: number;
    margin: number;
    sources: string[];
    devices: string[];
  };
  /** The one budget recommendation in the request's language (the executive summary's sentence). */
  sentence: string;
  /** Wall milliseconds the fit took on its thread when it was computed (0: no fit was needed). */
  fitMs: number;
}

interface Fitted {
  plan: BudgetPlanDocument | null;
  none: NoPlanReason | null;
  fitMs: number;
}

/** Plans kept (each a few kilobytes). */
const PLAN_ENTRIES = 64;

const WORKER = new URL(
  `../budget/plan-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
  import.meta.url,
);

export class BudgetPlans {
  private readonly plans = new Memo<Fitted>(new Lru(PLAN_ENTRIES));
  private worker: Worker | null = null;
  private readonly waiting = new Map<
    number,
    { resolve: (r: PlanReply) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;
  /** Plans fitted so far (tests count them). */
  fits = 0;

  /** Plans sent to the thread and not yet answered (tests wait for them). */
  get pending(): number {
    return this.waiting.size;
  }

  /** The start-up plan (serve computes the default view's plan once, budget-plan.ts) is kept as fitted. */
  constructor(
    private readonly analysis: AnalysisService,
    dataset: Dataset,
  ) {
    const known = startupPlan(dataset);
    if (known) void this.plans.get(known.key, async () => known.fitted);
  }

  /** The response for `req` (its `intervals` and `grain` do not matter to the plan). */
  async response(req: AnalysisRequest): Promise<BudgetPlanResponse> {
    const fitted = await this.plans.get(planKey(req), () => this.fit(req));
    const o = req.options;
    const sentence = fitted.plan
      ? budgetSentence(fitted.plan, req.lang, runContext(o, req.lang).currency)
      : budgetText(req.lang, `budget.none.${fitted.none ?? "no_paid_source"}`);
    return {
      plan: fitted.plan,
      none: fitted.none,
      basis: {
        from: o.from,
        to: o.to,
        attribution: o.attribution,
        horizon: o.horizon,
        margin: o.margin,
        sources: req.sources,
        devices: req.devices,
      },
      sentence,
      fitMs: fitted.fitMs,
    };
  }

  /** Stops the thread; plans being fitted fail. */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    for (const w of this.waiting.values()) w.reject(new ServerStopping("budget plan"));
    this.waiting.clear();
    await worker?.terminate();
  }

  private async fit(req: AnalysisRequest): Promise<Fitted> {
    if (req.devices.length > 0) return { plan: null, none: "spend_not_split_by_device", fitMs: 0 };
    // The unfiltered slice with its trust numbers: a source's curve uses every buyer credited to it.
    const byModel = await this.analysis.models({ ...req, sources: [], devices: [], intervals: true });
    const metrics = byModel[req.options.attribution];
    const job: Omit<PlanJob, "id"> = {
      metrics: planMetricsOf(metrics),
      settings: normalizePlanOptions({}),
      only: req.sources,
    };
    const reply = await this.run(job);
    if ("error" in reply) throw reply.problems ? new OptionsError(reply.problems) : new Error(reply.error);
    this.fits++;
    return { plan: reply.plan, none: reply.plan ? null : "no_paid_source", fitMs: reply.fitMs };
  }

  private run(job: Omit<PlanJob, "id">): Promise<PlanReply> {
    const worker = this.thread();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ ...job, id } satisfies PlanJob);
    });
  }

  /** The worker, started on first use (a server that never plans starts no thread). */
  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorker();
    worker.on("message", (reply: PlanReply) => {
      const w = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      w?.resolve(reply);
    });
    const failAll = (error: Error) => {
      if (this.worker === worker) this.worker = null;
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
    };
    worker.on("error", failAll);
    worker.on("exit", (code) => {
      if (code !== 0) failAll(new Error(`the budget plan thread exited with code ${code}`));
    });
    // An idle thread must not keep the process alive.
    worker.unref();
    this.worker = worker;
    return worker;
  }
}

/**
 * The plan serve computed at start-up for the default view (no filter, first-touch, default horizon,
 * margin and window), with its key; null when it was not computed.
 */
function startupPlan(dataset: Dataset): { key: string; fitted: Fitted } | null {
  if (dataset.budget === undefined) return null;
  const key = planKey(parseAnalysisQuery(new URLSearchParams(), dataset.catalog));
  return { key, fitted: { plan: dataset.budget, none: dataset.budget ? null : "no_paid_source", fitMs: 0 } };
}

/**
 * The plan of `req` when it is the start-up plan's view (the analysis document carries it then, and the
 * executive summary states it); undefined otherwise (the dashboard asks /api/budget for it).
 */
export function knownPlan(dataset: Dataset, req: AnalysisRequest): BudgetPlanDocument | null | undefined {
  const known = startupPlan(dataset);
  return known && known.key === planKey(req) ? known.fitted.plan : undefined;
}

/** What a plan depends on: the window, horizon and margin of the slice, the model, and the filters. */
export function planKey(req: AnalysisRequest): string {
  const o = req.options;
  return JSON.stringify([
    o.from,
    o.to,
    o.horizon,
    o.margin,
    o.confidence,
    o.attribution,
    req.sources,
    req.devices,
  ]);
}

/**
 * A worker on budget/plan-worker. From dist/ it is plain JavaScript; from the sources it needs tsx's
 * loader, which Node 20 does not pass on to workers (as render-pool.ts does).
 */
function startWorker(): Worker {
  if (!WORKER.pathname.endsWith(".ts")) return new Worker(WORKER);
  const api = import.meta.resolve("tsx/esm/api");
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER.href)}); });`;
  return new Worker(code, { eval: true });
}
