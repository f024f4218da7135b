import type { DailyAcquisitionTable } from "../metrics/daily-acquisition.ts";
import { OptionsError } from "../metrics/options.ts";
import { BudgetOutOfBounds } from "./allocate.ts";
import {
  type BudgetPlan,
  buildBudgetPlan,
  type Interval,
  type PlanReason,
  type PlanVerdict,
  type PrefittedCurves,
  prefitCurves,
} from "./budget-plan.ts";
import { type PlanMetrics, planInputs, planInputsOfMetrics } from "./plan-inputs.ts";
import type { PlanSettings } from "./plan-options.ts";

/** Seed and replicates of the plan's bootstrap: fixed, so the same data give the same plan. */
export const PLAN_SEED = 1;
export const PLAN_REPLICATES = 200;

/** One source of the plan as metrics.json, the report and the dashboard show it (amounts per month). */
export interface PlanSourceDocument {
  source: string;
  elasticity: number;
  elasticityLow: number;
  elasticityHigh: number;
  spendNow: number;
  spendProposed: number;
  buyersNow: number;
  buyersProposed: number;
  marginalCacNow: number | null;
  marginalCacAfter: number | null;
  revenuePerBuyer: number;
  /** `forecast`: every buyer cohort valued, young ones by the LTV forecast; `mature`: observed mature cohorts only. */
  valueBasis: "forecast" | "mature";
  /** Share of the valued buyers whose H-month revenue is forecast (not yet observed). */
  forecastShare: number;
  move: "up" | "down" | "hold";
  deltaBuyers: Interval;
  deltaRevenue: Interval;
  family: "poisson" | "negative-binomial";
  daysUsed: number;
}

/** The plan in metrics.json: JSON-safe (no replicate arrays), with its basis and caveat. */
export interface BudgetPlanDocument {
  verdict: PlanVerdict;
  reason: PlanReason;
  /** Always shown with the plan: credited buyers are not incremental buyers. */
  caveat: "attribution_is_not_incrementality";
  attribution: string;
  margin: number;
  horizon: number;
  confidence: number;
  bounds: number;
  budgetNow: number;
  budget: number;
  adstockDecay: number | null;
  replicates: number;
  seed: number;
  deltaBuyers: Interval;
  deltaRevenue: Interval;
  gain: Interval;
  equalReturnTest: BudgetPlan["equalReturnTest"];
  sources: PlanSourceDocument[];
  skipped: BudgetPlan["skipped"];
  /** What the amounts are: mean monthly spend and credited new buyers over the window's days. */
  basis: "mean_month_of_window";
}

/**
 * The curves planOfMetrics will fit on a slice's daily table with every source of it (no `only`),
 * fitted before the slice's trust numbers (the value of a buyer) exist.
 */
export function curvesAhead(table: DailyAcquisitionTable): PrefittedCurves {
  return prefitCurves(planInputs(table), { replicates: PLAN_REPLICATES, seed: PLAN_SEED });
}

/**
 * The plan of one analysis, or null when nothing can be planned (no source with spend; a device
 * filter). `only` restricts the plan to those sources (the dashboard's source filter): the budget
 * moves among them only, each fitted on all the buyers credited to it. A budget the bounds cannot
 * reach is an OptionsError with the reachable range.
 */
export function planOfMetrics(
  metrics: PlanMetrics,
  settings: PlanSettings,
  only: readonly string[] = [],
  /** Curves fitted ahead from the same daily table (curvesAhead), taken when they fit this plan. */
  prefitted: PrefittedCurves | null = null,
): BudgetPlanDocument | null {
  const all = planInputsOfMetrics(metrics);
  const keep = (source: string): boolean => only.length === 0 || only.includes(source);
  const inputs = all.inputs.filter((i) => keep(i.source));
  const value = all.value.filter((v) => keep(v.source));
  if (inputs.length === 0) return null;
  const { margin, horizon, attribution } = metrics.options;
  let plan: BudgetPlan;
  try {
    plan = buildBudgetPlan(inputs, {
      margin,
      horizon,
      bounds: settings.bounds,
      replicates: PLAN_REPLICATES,
      seed: PLAN_SEED,
      prefitted,
      ...(settings.budget !== null ? { budget: settings.budget } : {}),
    });
  } catch (error) {
    if (error instanceof BudgetOutOfBounds) {
      const whole = (x: number): string => Math.round(x).toLocaleString("en-US");
      throw new OptionsError([
        `invalid budget: ${whole(error.budget)} per month cannot be reached within ±${Math.round(settings.bounds * 100)} % of each source's spend today (reachable: ${whole(error.lo)} to ${whole(error.hi)} per month); change --budget or widen --bounds`,
      ]);
    }
    throw error;
  }
  return {
    verdict: plan.verdict,
    reason: plan.reason,
    caveat: "attribution_is_not_incrementality",
    attribution,
    margin,
    horizon,
    confidence: plan.confidence,
    bounds: plan.bounds,
    budgetNow: plan.budgetNow,
    budget: plan.budget,
    adstockDecay: plan.rows[0]?.curve.adstockDecay ?? null,
    replicates: plan.replicates,
    seed: plan.seed,
    deltaBuyers: plan.deltaBuyers,
    deltaRevenue: plan.deltaRevenue,
    gain: plan.gain,
    equalReturnTest: plan.equalReturnTest,
    sources: plan.rows.map((r) => ({
      source: r.source,
      elasticity: r.elasticity,
      elasticityLow: r.elasticityLow,
      elasticityHigh: r.elasticityHigh,
      spendNow: r.spendNow,
      spendProposed: r.spendProposed,
      buyersNow: r.buyersNow,
      buyersProposed: r.buyersNow + r.deltaBuyers,
      marginalCacNow: r.marginalCacNow,
      marginalCacAfter: r.marginalCacAfter,
      revenuePerBuyer: r.revenuePerBuyer,
      valueBasis: value.find((b) => b.source === r.source)?.basis ?? "mature",
      forecastShare: value.find((b) => b.source === r.source)?.forecastShare ?? 0,
      move: r.move,
      deltaBuyers: { value: r.deltaBuyers, low: r.deltaBuyersLow, high: r.deltaBuyersHigh },
      deltaRevenue: { value: r.deltaRevenue, low: r.deltaRevenueLow, high: r.deltaRevenueHigh },
      family: r.curve.family,
      daysUsed: r.curve.daysUsed,
    })),
    skipped: plan.skipped,
    basis: "mean_month_of_window",
  };
}
