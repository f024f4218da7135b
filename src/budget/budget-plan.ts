import { type AllocationCurve, allocate, buyersAt } from "./allocate.ts";
import { chiSquareCdf } from "./chi-square.ts";
import { cholesky, choleskySolve, SingularMatrixError } from "./dense-solve.ts";
import { percentile } from "./percentile.ts";
import { type DailyAcquisition, fitResponseCurves, type ResponseCurve } from "./response-curve.ts";
import { weekBlockReplicates } from "./week-blocks.ts";

/*
 * The budget plan: fit every paid source's response curve on one joint set of week-block bootstrap
 * replicates, allocate a monthly budget by equal marginal value within bounds, and judge the move
 * with intervals. A move is recommended only when the data reject "every source returns the same at
 * the margin" and the gain interval lies above 0; otherwise the plan says the data cannot support a
 * move. Attribution credits are not incrementality: every number here is about credited buyers.
 */

export interface SourceInput {
  source: string;
  /** One entry per day of the window, the same days for every source. */
  daily: readonly DailyAcquisition[];
  /** H-month revenue per new buyer (observed on mature cohorts, or a forecast), before margin. */
  revenuePerBuyer: number | null;
}

export interface PlanOptions {
  /** Monthly budget to allocate; default: today's (the sum of the sources' mean monthly spend). */
  budget?: number;
  /** Per-source bounds as a share of today's spend: spend may move within ±bounds. Default 0.3. */
  bounds?: number;
  /** Share of revenue that is income (commission); the value of a buyer is margin x revenue. */
  margin: number;
  /** Horizon (months) of revenuePerBuyer, reported with the plan. */
  horizon: number;
  confidence?: number;
  replicates?: number;
  seed?: number;
  /** Curves fitted ahead (prefitCurves); used when fitted on exactly the series and bootstrap this plan fits. */
  prefitted?: PrefittedCurves | null;
}

/**
 * Response curves fitted before the value of a buyer is known (the value needs the trust numbers, the
 * fit only the daily series), with what they were fitted on: `report` fits them on the plan's thread
 * while the trust numbers are computed (plan-thread.ts), and the plan takes them when its modelled
 * sources turn out to be those (the usual case: a source is dropped for want of a value only when it
 * has neither a forecast nor a mature cohort).
 */
export interface PrefittedCurves {
  series: readonly (readonly DailyAcquisition[])[];
  replicates: number;
  seed: number;
  confidence: number;
  curves: ResponseCurve[];
}

/** A source is modelled only with at least this many usable days and new buyers (else too noisy). */
export const MIN_DAYS = 60;
export const MIN_BUYERS = 50;
/** Level of the test that marginal returns differ (before any move is recommended). */
export const EQUAL_RETURN_ALPHA = 0.05;
export const DEFAULT_BOUNDS = 0.3;
export const DEFAULT_REPLICATES = 200;

export interface PlanRow {
  source: string;
  elasticity: number;
  elasticityLow: number;
  elasticityHigh: number;
  spendNow: number;
  spendProposed: number;
  buyersNow: number;
  /** Spend per extra new buyer at the margin (null when the elasticity is ≤ 0: more spend buys none). */
  marginalCacNow: number | null;
  marginalCacAfter: number | null;
  revenuePerBuyer: number;
  /** margin x revenue per buyer x extra buyers per currency unit at today's spend, minus the spend-weighted mean of it. */
  marginalValueGap: Interval;
  move: SourceMove;
  deltaBuyers: number;
  deltaBuyersLow: number;
  deltaBuyersHigh: number;
  deltaRevenue: number;
  deltaRevenueLow: number;
  deltaRevenueHigh: number;
  curve: ResponseCurve;
}

export interface Interval {
  value: number;
  low: number;
  high: number;
}

export type PlanVerdict = "move" | "no_move";
export type PlanReason =
  | "supported"
  | "marginal_returns_not_different"
  | "no_source_differs"
  | "gain_interval_includes_zero"
  | "gain_interval_below_zero"
  | "fewer_than_two_sources";

/**
 * Whether the data let a source's spend move: `up` when its marginal value at today's spend is above
 * the spend-weighted average marginal value with the interval above 0, `down` when below with the
 * interval below 0, else `hold` (kept at today's spend).
 */
export type SourceMove = "up" | "down" | "hold";

export interface BudgetPlan {
  rows: PlanRow[];
  /** Sources with spend that were not modelled, and why. */
  skipped: { source: string; reason: "too_few_days" | "too_few_buyers" | "no_revenue_per_buyer" }[];
  budgetNow: number;
  budget: number;
  bounds: number;
  margin: number;
  horizon: number;
  confidence: number;
  replicates: number;
  seed: number;
  deltaBuyers: Interval;
  deltaRevenue: Interval;
  /** margin x delta revenue - delta spend (per month); the quantity the verdict rests on. */
  gain: Interval;
  /** Wald test (bootstrap covariance) that every source's marginal value is the same. */
  equalReturnTest: { statistic: number; df: number; pValue: number } | null;
  verdict: PlanVerdict;
  reason: PlanReason;
}

export function buildBudgetPlan(sources: readonly SourceInput[], options: PlanOptions): BudgetPlan {
  const confidence = options.confidence ?? 0.9;
  const replicates = options.replicates ?? DEFAULT_REPLICATES;
  const seed = options.seed ?? 1;
  const bounds = options.bounds ?? DEFAULT_BOUNDS;
  const { margin, horizon } = options;
  const days = sources[0]?.daily.map((d) => d.day) ?? [];
  for (const s of sources) {
    if (s.daily.length !== days.length || s.daily.some((d, i) => d.day !== days[i])) {
      throw new Error(`source ${s.source}: daily series must cover the same days as the others`);
    }
  }
  const draws = weekBlockReplicates(days, replicates, seed);
  const skipped: BudgetPlan["skipped"] = [];
  const modelled: SourceInput[] = [];
  for (const input of sources) {
    const short = dataShortfall(input);
    if (short) skipped.push({ source: input.source, reason: short });
    else if (input.revenuePerBuyer === null)
      skipped.push({ source: input.source, reason: "no_revenue_per_buyer" });
    else modelled.push(input);
  }
  const series = modelled.map((m) => m.daily);
  const prefitted = options.prefitted;
  const curvesFitted =
    prefitted && fittedOn(prefitted, series, replicates, seed, confidence)
      ? prefitted.curves
      : fitResponseCurves(series, { replicates: draws, confidence });
  const fitted = modelled.map((input, i) => ({ input, curve: curvesFitted[i]! }));
  const budgetNow = fitted.reduce((s, f) => s + f.curve.spendPerMonth, 0);
  const budget = options.budget ?? budgetNow;
  const tail = (1 - confidence) / 2;
  const sameBudget = Math.abs(budget - budgetNow) <= 1e-9 * Math.max(1, budgetNow);
  const gaps = marginalValueGaps(fitted, margin, tail);
  const moves: SourceMove[] = gaps.map((g) => (g.low > 0 ? "up" : g.high < 0 ? "down" : "hold"));
  // With today's budget only sources whose marginal value differs may move, each only its own way;
  // a new budget is spread over every source within the bounds (docs/decisions.md).
  const curves: AllocationCurve[] = fitted.map(({ input, curve }, i) => {
    const now = curve.spendPerMonth;
    const move = sameBudget ? moves[i]! : "both";
    return {
      spendNow: now,
      buyersNow: curve.buyersPerMonth,
      elasticity: curve.elasticity,
      value: margin * input.revenuePerBuyer!,
      lo: move === "down" || move === "both" ? now * (1 - bounds) : now,
      hi: move === "up" || move === "both" ? now * (1 + bounds) : now,
    };
  });
  const proposed = fitted.length > 0 ? allocate(curves, budget) : [];
  const interval = (value: number, draws: number[]): Interval => {
    const ok = draws.filter(Number.isFinite);
    return ok.length > 0
      ? { value, low: percentile(ok, tail), high: percentile(ok, 1 - tail) }
      : { value, low: Number.NaN, high: Number.NaN };
  };
  const perReplicate = (f: (beta: number, i: number) => number): number[][] =>
    fitted.map(({ curve }, i) => Array.from(curve.replicates, (b) => f(b, i)));
  const deltaAt = (beta: number, i: number): number =>
    buyersAt(proposed[i]!, curves[i]!.spendNow, curves[i]!.buyersNow, beta) - curves[i]!.buyersNow;
  const deltaDraws = perReplicate(deltaAt);
  const rows: PlanRow[] = fitted.map(({ input, curve }, i) => {
    const rpb = input.revenuePerBuyer!;
    const delta = deltaAt(curve.elasticity, i);
    const db = interval(delta, deltaDraws[i]!);
    const dr = interval(
      delta * rpb,
      deltaDraws[i]!.map((d) => d * rpb),
    );
    const after = buyersAt(proposed[i]!, curve.spendPerMonth, curve.buyersPerMonth, curve.elasticity);
    return {
      source: input.source,
      elasticity: curve.elasticity,
      elasticityLow: curve.elasticityLow,
      elasticityHigh: curve.elasticityHigh,
      spendNow: curve.spendPerMonth,
      spendProposed: proposed[i]!,
      buyersNow: curve.buyersPerMonth,
      marginalCacNow:
        curve.elasticity > 0 ? curve.spendPerMonth / (curve.elasticity * curve.buyersPerMonth) : null,
      marginalCacAfter: curve.elasticity > 0 ? proposed[i]! / (curve.elasticity * after) : null,
      revenuePerBuyer: rpb,
      marginalValueGap: gaps[i]!,
      move: sameBudget
        ? moves[i]!
        : proposed[i]! > curve.spendPerMonth
          ? "up"
          : proposed[i]! < curve.spendPerMonth
            ? "down"
            : "hold",
      deltaBuyers: db.value,
      deltaBuyersLow: db.low,
      deltaBuyersHigh: db.high,
      deltaRevenue: dr.value,
      deltaRevenueLow: dr.low,
      deltaRevenueHigh: dr.high,
      curve,
    };
  });
  const sumOver = (per: number[][], weight: (i: number) => number): number[] =>
    Array.from({ length: replicates }, (_, r) => per.reduce((s, d, i) => s + d[r]! * weight(i), 0));
  const rpbOf = (i: number): number => fitted[i]!.input.revenuePerBuyer!;
  const spendChange = budget - budgetNow;
  const deltaBuyers = interval(
    rows.reduce((s, r) => s + r.deltaBuyers, 0),
    sumOver(deltaDraws, () => 1),
  );
  const revenueDraws = sumOver(deltaDraws, rpbOf);
  const deltaRevenue = interval(
    rows.reduce((s, r) => s + r.deltaRevenue, 0),
    revenueDraws,
  );
  const gain = interval(
    margin * deltaRevenue.value - spendChange,
    revenueDraws.map((r) => margin * r - spendChange),
  );
  const equalReturnTest = fitted.length >= 2 ? equalReturns(fitted, curves) : null;
  let reason: PlanReason;
  if (fitted.length < 2 && sameBudget) reason = "fewer_than_two_sources";
  else if (sameBudget && proposed.every((p, i) => Math.abs(p - curves[i]!.spendNow) <= 1e-9 * budgetNow))
    reason = "no_source_differs";
  else if (sameBudget && !(equalReturnTest !== null && equalReturnTest.pValue < EQUAL_RETURN_ALPHA))
    reason = "marginal_returns_not_different";
  else if (gain.high < 0) reason = "gain_interval_below_zero";
  else if (!(gain.low > 0)) reason = "gain_interval_includes_zero";
  else reason = "supported";
  return {
    rows,
    skipped,
    budgetNow,
    budget,
    bounds,
    margin,
    horizon,
    confidence,
    replicates,
    seed,
    deltaBuyers,
    deltaRevenue,
    gain,
    equalReturnTest,
    verdict: reason === "supported" ? "move" : "no_move",
    reason,
  };
}

/** Why a source has too little data to model, or null when it has enough (its value aside). */
function dataShortfall(input: Pick<SourceInput, "daily">): "too_few_days" | "too_few_buyers" | null {
  const spendDays = input.daily.filter((d) => d.spend !== null && d.spend > 0).length;
  const buyers = input.daily.reduce((s, d) => s + d.newBuyers, 0);
  if (spendDays < MIN_DAYS) return "too_few_days";
  if (buyers < MIN_BUYERS) return "too_few_buyers";
  return null;
}

/**
 * The curves buildBudgetPlan would fit for `sources` if each had a value of a buyer: those with
 * enough data, on the plan's bootstrap (same days, replicates, seed and confidence).
 */
export function prefitCurves(
  sources: readonly Pick<SourceInput, "daily">[],
  options: Pick<PlanOptions, "confidence" | "replicates" | "seed">,
): PrefittedCurves {
  const confidence = options.confidence ?? 0.9;
  const replicates = options.replicates ?? DEFAULT_REPLICATES;
  const seed = options.seed ?? 1;
  const series = sources.filter((s) => dataShortfall(s) === null).map((s) => s.daily);
  const days = series[0]?.map((d) => d.day) ?? [];
  const draws = weekBlockReplicates(days, replicates, seed);
  const curves = series.length > 0 ? fitResponseCurves(series, { replicates: draws, confidence }) : [];
  return { series, replicates, seed, confidence, curves };
}

/** Whether `prefitted` was fitted on exactly these series and this bootstrap. */
function fittedOn(
  prefitted: PrefittedCurves,
  series: readonly (readonly DailyAcquisition[])[],
  replicates: number,
  seed: number,
  confidence: number,
): boolean {
  const same = (a: readonly DailyAcquisition[], b: readonly DailyAcquisition[]) =>
    a.length === b.length &&
    a.every((d, i) => d.day === b[i]!.day && d.spend === b[i]!.spend && d.newBuyers === b[i]!.newBuyers);
  return (
    prefitted.replicates === replicates &&
    prefitted.seed === seed &&
    prefitted.confidence === confidence &&
    prefitted.series.length === series.length &&
    prefitted.series.every((s, i) => same(s, series[i]!))
  );
}

/**
 * Per source, the marginal value m = margin x revenue per buyer x beta x B0 / S0 at today's spend
 * minus the spend-weighted mean of m over the sources (what spreading one more unit pro rata
 * would return), with its bootstrap percentile interval (replicates joint across sources).
 */
function marginalValueGaps(
  fitted: readonly { input: SourceInput; curve: ResponseCurve }[],
  margin: number,
  tail: number,
): Interval[] {
  const scale = fitted.map(
    ({ input, curve }) => (margin * input.revenuePerBuyer! * curve.buyersPerMonth) / curve.spendPerMonth,
  );
  const weight = fitted.map(({ curve }) => curve.spendPerMonth);
  const total = weight.reduce((a, b) => a + b, 0);
  const gapsOf = (betas: readonly number[]): number[] => {
    const m = betas.map((b, i) => b * scale[i]!);
    const mean = m.reduce((s, v, i) => s + (v * weight[i]!) / total, 0);
    return m.map((v) => v - mean);
  };
  const point = gapsOf(fitted.map((f) => f.curve.elasticity));
  const replicates = fitted[0]?.curve.replicates.length ?? 0;
  const draws: number[][] = [];
  for (let r = 0; r < replicates; r++) {
    const betas = fitted.map((f) => f.curve.replicates[r]!);
    if (betas.every(Number.isFinite)) draws.push(gapsOf(betas));
  }
  return point.map((value, i) => {
    const d = draws.map((g) => g[i]!);
    return d.length > 0
      ? { value, low: percentile(d, tail), high: percentile(d, 1 - tail) }
      : { value, low: Number.NaN, high: Number.NaN };
  });
}

/**
 * Wald test of m_1 = ... = m_k for the marginal values m = u beta B0 / S0 at today's spend, with the
 * covariance of the bootstrap replicates (joint across sources, so correlated estimates are handled).
 * Under "all equal", no reallocation of a fixed budget gains anything to first order, so this guards
 * the plan against moving money on noise: choosing the best-looking move makes its own gain look real.
 */
function equalReturns(
  fitted: readonly { curve: ResponseCurve }[],
  curves: readonly AllocationCurve[],
): BudgetPlan["equalReturnTest"] {
  const scale = curves.map((c) => (c.value * c.buyersNow) / c.spendNow);
  const k = fitted.length;
  const point = fitted.map((f, i) => f.curve.elasticity * scale[i]!);
  const draws: number[][] = [];
  const replicates = fitted[0]!.curve.replicates.length;
  for (let r = 0; r < replicates; r++) {
    const m = fitted.map((f, i) => f.curve.replicates[r]! * scale[i]!);
    if (m.every(Number.isFinite)) draws.push(m);
  }
  if (draws.length <= k) return null;
  // Contrasts m_i - m_k, i < k.
  const q = k - 1;
  const contrast = (m: readonly number[]): number[] => m.slice(0, q).map((v) => v - m[q]!);
  const cs = draws.map(contrast);
  const mean = Array.from({ length: q }, (_, j) => cs.reduce((s, c) => s + c[j]!, 0) / cs.length);
  const cov = new Float64Array(q * q);
  for (const c of cs) {
    for (let a = 0; a < q; a++)
      for (let b = 0; b < q; b++)
        cov[a * q + b]! += ((c[a]! - mean[a]!) * (c[b]! - mean[b]!)) / (cs.length - 1);
  }
  const d = Float64Array.from(contrast(point));
  try {
    const x = choleskySolve(cholesky({ n: q, a: cov }), d);
    const statistic = d.reduce((s, v, j) => s + v * x[j]!, 0);
    return { statistic, df: q, pValue: 1 - chiSquareCdf(statistic, q) };
  } catch (error) {
    if (error instanceof SingularMatrixError) return null;
    throw error;
  }
}
