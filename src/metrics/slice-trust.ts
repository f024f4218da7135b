import type { Engine } from "../engine/engine.ts";
import { sumAttributedCells } from "./attributed-cells.ts";
import type { DataTables, WindowTables } from "./cube-tables.ts";
import { dailyAcquisitions } from "./daily-acquisition.ts";
import { intervalSpend } from "./intervals.ts";
import { type AnalysisOptions, ATTRIBUTIONS } from "./options.ts";
import { MetricRun, type SliceScope } from "./query.ts";
import type { MetricsResult, TrustStats } from "./result.ts";
import { sumSliceSpend } from "./slice-spend.ts";
import type { Attribution, Tables } from "./tables.ts";
import { type TrustInputs, type TrustScratch, trustStats } from "./trust.ts";
import type { TrustMemory } from "./trust-memory.ts";
import type { WindowMemory } from "./window-memory.ts";

/*
 * The trust numbers of a slice (issue 10: intervals, concentration, forecasts, and the budget plan's
 * daily input) added on top of its point numbers. Apart from the point slice so that the dashboard's
 * second request (`intervals=1`) takes the point numbers its first request computed from the cache
 * and only adds these (server/analysis-service.ts); the report and the library get both in one call.
 */

/** The part of the window's per-combo memory a trust slice reads: spend and attributed cells. */
export type TrustWindow = Pick<WindowMemory, "spend" | "attrBuyers" | "attrRevenue">;

/** What the forecasts of every model take from the slice's point tables (the same under every model). */
export type SharedTables = Pick<Tables, "ltv" | "cac_by_cohort">;

/**
 * Every model's trust numbers of a slice computed elsewhere (serve's trust thread,
 * server/trust-thread.ts) from the same inputs modelTrust takes; the window's memory is the one that
 * `memory` and `window` hold.
 */
export type TrustOffload = (job: {
  options: AnalysisOptions;
  tables: DataTables & WindowTables;
  scope: SliceScope;
  shared: SharedTables;
  memory: TrustMemory;
  window: TrustWindow;
  others: OtherModels;
}) => Promise<Record<Attribution, TrustStats>>;

/**
 * How much of the trust numbers the models other than the slice's own get: "all", as the report and
 * the library need (every model's CSVs and JSON); "verdicts", only what their budget verdicts read
 * (TrustStats `extent`), as serve needs for the sensitivity line beside the model on screen — about a
 * quarter less work per slice.
 */
export type OtherModels = "all" | "verdicts";

export interface TrustSliceOptions {
  /** Also the budget plan's daily input (`acquisitionDaily`). */
  budgetInput: boolean;
  /** The window's bootstrap sums and per-buyer revenue (trust-memory.ts; cube.ts loads them once per window). */
  memory: TrustMemory;
  /** The window's per-combo tables (window-memory.ts): the slice's spend and attributed cells. */
  window: TrustWindow;
  /**
   * Where the trust numbers are computed when they need no engine (the `power` forecast); without,
   * or for the `buyer` forecast (its histories are read in SQL), here.
   */
  offload?: TrustOffload;
  /** Default "all". */
  others?: OtherModels;
}

/**
 * `point` (every model's point results of one slice, as compute.ts assembles them) with `trust` (and
 * `acquisitionDaily` when asked) added: new objects, `point` is not changed (it may sit in a cache).
 * `options` are the slice's own (its model first); what does not depend on the model is computed
 * under it and reused for the others.
 */
export async function withTrust(
  engine: Engine,
  options: AnalysisOptions,
  tables: DataTables & WindowTables,
  scope: SliceScope,
  point: Record<Attribution, MetricsResult>,
  { budgetInput, memory, window, offload, others = "all" }: TrustSliceOptions,
): Promise<Record<Attribution, MetricsResult>> {
  const first = point[options.attribution];
  // The all-source LTV matrix and spend per cohort are the same under every model.
  const shared = { ltv: first.tables.ltv, cac_by_cohort: first.tables.cac_by_cohort };
  const offloaded = offload !== undefined && (options.forecastModel ?? "power") !== "buyer";
  // Offloaded, the trust numbers are computed while the daily input is read here; in process, first
  // (the buyer forecast's statements and the daily input's share one connection).
  const byModel = offloaded
    ? offload({ options, tables, scope, shared, memory, window, others })
    : Promise.resolve(await modelTrust(engine, options, tables, scope, shared, memory, window, others));
  // A failing daily input must not leave the trust numbers' rejection unhandled.
  byModel.catch(() => undefined);
  const out = {} as Record<Attribution, MetricsResult>;
  // The budget plan's input follows the model too (credited buyers per source and day): every
  // model's in one read.
  const models = modelOrder(options);
  const daily = budgetInput
    ? await dailyAcquisitions(new MetricRun(engine, options, tables, scope), models)
    : null;
  for (const model of models) {
    const input = daily ? { acquisitionDaily: daily.get(model)! } : {};
    out[model] = { ...point[model], trust: (await byModel)[model], ...input };
  }
  return out;
}

/**
 * Every model's trust numbers of a slice, from the window's memory. `engine` is read only by the
 * `buyer` forecast (its buyers' histories); with the `power` forecast no statement is sent, so this
 * runs on serve's trust thread too (server/trust-worker.ts) with an engine that refuses every one.
 */
export async function modelTrust(
  engine: Engine,
  options: AnalysisOptions,
  tables: DataTables & WindowTables,
  scope: SliceScope,
  shared: SharedTables,
  memory: TrustMemory,
  window: TrustWindow,
  others: OtherModels = "all",
): Promise<Record<Attribution, TrustStats>> {
  // The slice's spend and attributed cells, summed once for every model.
  const spend = sumSliceSpend(window, scope.sources);
  const inputs: TrustInputs = {
    memory,
    spend,
    intervalSpend: intervalSpend(new MetricRun(engine, options, tables, scope), spend, memory.months),
    cells: sumAttributedCells(window, scope.combos),
  };
  const out = {} as Record<Attribution, TrustStats>;
  let base: TrustStats | undefined;
  // The buyer-level forecast's buyers and fit, read and fitted once for every model of the slice.
  const scratch: TrustScratch = {};
  for (const model of modelOrder(options)) {
    const run = new MetricRun(engine, { ...options, attribution: model }, tables, scope);
    // Intervals and concentration follow the model (attributed revenue and buyers per source).
    // The slice's own model comes first, whole; the others as `others` asks.
    const verdictsOnly = base !== undefined && others === "verdicts";
    const trust = await trustStats(run, inputs, shared, options.confidence, base, scratch, verdictsOnly);
    base ??= trust;
    out[model] = trust;
  }
  return out;
}

/** The slice's own model first (the others reuse what does not depend on the model), then the rest. */
function modelOrder(options: AnalysisOptions): Attribution[] {
  return [options.attribution, ...ATTRIBUTIONS.filter((m) => m !== options.attribution)];
}
