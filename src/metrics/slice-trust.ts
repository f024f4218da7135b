import type { Engine } from "../engine/engine.ts";
import { sumAttributedCells } from "./attributed-cells.ts";
import type { DataTables, WindowTables } from "./cube-tables.ts";
import { dailyAcquisition } from "./daily-acquisition.ts";
import { intervalSpend } from "./intervals.ts";
import { type AnalysisOptions, ATTRIBUTIONS } from "./options.ts";
import { MetricRun, type SliceScope } from "./query.ts";
import type { MetricsResult } from "./result.ts";
import { sumSliceSpend } from "./slice-spend.ts";
import type { Attribution } from "./tables.ts";
import { type TrustInputs, type TrustScratch, trustStats } from "./trust.ts";
import type { TrustMemory } from "./trust-memory.ts";
import type { WindowMemory } from "./window-memory.ts";

/*
 * The trust numbers of a slice (issue 10: intervals, concentration, forecasts, and the budget plan's
 * daily input) added on top of its point numbers. Apart from the point slice so that the dashboard's
 * second request (`intervals=1`) takes the point numbers its first request computed from the cache
 * and only adds these (server/analysis-service.ts); the report and the library get both in one call.
 */

export interface TrustSliceOptions {
  /** Also the budget plan's daily input (`acquisitionDaily`). */
  budgetInput: boolean;
  /** The window's bootstrap sums and per-buyer revenue (trust-memory.ts; cube.ts loads them once per window). */
  memory: TrustMemory;
  /** The window's per-combo tables (window-memory.ts): the slice's spend and attributed cells. */
  window: WindowMemory;
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
  { budgetInput, memory, window }: TrustSliceOptions,
): Promise<Record<Attribution, MetricsResult>> {
  const first = point[options.attribution];
  // The all-source LTV matrix and spend per cohort are the same under every model.
  const shared = { ltv: first.tables.ltv, cac_by_cohort: first.tables.cac_by_cohort };
  // The slice's spend and attributed cells, summed once for every model.
  const spend = sumSliceSpend(window, scope.sources);
  const inputs: TrustInputs = {
    memory,
    spend,
    intervalSpend: intervalSpend(new MetricRun(engine, options, tables, scope), spend, memory.months),
    cells: sumAttributedCells(window, scope.combos),
  };
  const out = {} as Record<Attribution, MetricsResult>;
  let base: MetricsResult["trust"];
  // The buyer-level forecast's buyers and fit, read and fitted once for every model of the slice.
  const scratch: TrustScratch = {};
  for (const model of [options.attribution, ...ATTRIBUTIONS.filter((m) => m !== options.attribution)]) {
    const run = new MetricRun(engine, { ...options, attribution: model }, tables, scope);
    // Intervals and concentration follow the model (attributed revenue and buyers per source).
    const trust = await trustStats(run, inputs, shared, options.confidence, base, scratch);
    base ??= trust;
    // The budget plan's input follows the model too (credited buyers per source and day).
    out[model] = {
      ...point[model],
      trust,
      ...(budgetInput ? { acquisitionDaily: await dailyAcquisition(run) } : {}),
    };
  }
  return out;
}
