/**
 * The buyer-level LTV forecast (`--forecast-model buyer`): BG/BB on monthly purchase incidence
 * (bgbb.ts) times Gamma-Gamma spend per active month (gamma-gamma.ts), fitted by maximum likelihood on
 * every buyer of every cohort as the data stood at the cut (the last observed month). A cohort observed
 * through lifetime a is forecast as
 *
 *   LTV(c, k) = LTV(c, a) + Σ_{buyers i of c} Σ_{j=1..k−a} E[X_i,a+j] · E[spend_i] / size(c)
 *
 * with E[X] the BG/BB expectation for the buyer's (x, t_x, n = a) and E[spend] the Gamma-Gamma
 * posterior mean of the buyer's active months (month 0 included). Both models are pooled over cohorts:
 * a cohort differs from another only through its buyers' own histories.
 *
 * Interval: parametric bootstrap. Each of `draws` replicates draws both models' parameters from the
 * asymptotic normal of their estimates (curvature.ts) and then simulates every buyer of the cohort
 * forward from its posterior under those parameters (alive or not, p, θ, ν; the months it buys in and
 * their spends), so the interval holds both the parameters' uncertainty and the buyers' own chance.
 * Percentile interval of the replicates' LTV(c, k). No interval (and no forecast) when either
 * likelihood is flat in some direction at its maximum: the data do not pin the model down.
 */
import type { LtvRow } from "../metrics/tables.ts";
import {
  type BgbbFit,
  type BgbbParams,
  expectedByPeriod,
  fitBgbb,
  likelihoodTerms,
  logOfParams,
  logSumExp,
  type Pattern,
  paramsFromLog,
  toPatterns,
  totalLogLikelihood,
} from "./bgbb.ts";
import { estimateSampler } from "./curvature.ts";
import {
  aggregatedSpendLogLikelihood,
  expectedSpend,
  fitGammaGamma,
  type GammaGammaFit,
  type GammaGammaParams,
  logOfSpendParams,
  type SpendHistory,
  spendParamsFromLog,
} from "./gamma-gamma.ts";
import {
  cohortCurves,
  FORECAST_DEFAULTS,
  type ForecastOptions,
  type LtvForecastRow,
} from "./ltv-forecast.ts";
import { monthIndex } from "./months.ts";
import type { CohortCurve } from "./power-curve.ts";
import { Variates } from "./random-variates.ts";
import { studentTQuantile } from "./student-t.ts";

/** Revenue (margin applied, as in the LTV matrix) of one new buyer in one lifetime month with orders. */
export interface BuyerMonth {
  buyer: string;
  cohort: string;
  lifetime: number;
  revenue: number;
}

/** One buyer's months with orders, lifetimes ascending. */
export interface BuyerHistory {
  /** The buyer's key (the cube's user key as text): what the attribution weights are joined on. */
  buyer: string;
  cohort: string;
  cohortIndex: number;
  lifetimes: number[];
  revenue: number[];
}

export interface BuyerForecastOptions extends ForecastOptions {
  /** Bootstrap replicates of the interval (default 200). */
  draws?: number;
  /** Seed of the bootstrap (default 1): the same data give the same interval. */
  seed?: number;
}

export const BUYER_FORECAST_DEFAULTS = { draws: 200, seed: 1 } as const;

/** Groups per-(buyer, lifetime) rows into buyer histories, in buyer-key order. */
export function buyerHistories(rows: Iterable<BuyerMonth>): BuyerHistory[] {
  const byBuyer = new Map<string, { cohort: string; months: [number, number][] }>();
  for (const r of rows) {
    const entry = byBuyer.get(r.buyer) ?? { cohort: r.cohort, months: [] };
    entry.months.push([r.lifetime, r.revenue]);
    byBuyer.set(r.buyer, entry);
  }
  // In buyer-key order: the bootstrap walks buyers in this order, so the same data give the same
  // interval whatever order the engine returned the rows in.
  const keys = [...byBuyer.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return keys.map((key) => {
    const { cohort, months } = byBuyer.get(key)!;
    months.sort((a, b) => a[0] - b[0]);
    return {
      buyer: key,
      cohort,
      cohortIndex: monthIndex(cohort),
      lifetimes: months.map((m) => m[0]),
      revenue: months.map((m) => m[1]),
    };
  });
}

/**
 * Where a buyer's revenue is counted: (sink, weight) pairs. The pooled forecast has one sink, every
 * buyer's weight 1; the per-source forecast one sink per source and the buyer's attribution weights
 * (buyer-sources.ts).
 */
export type Shares = readonly (readonly [sink: number, weight: number])[];

/** Every buyer wholly in the one sink of the pooled forecast. */
const POOLED: Shares = [[0, 1]];

/** A buyer as of the cut: BG/BB's (x, t_x, n) and the spend model's active months and their total. */
export interface BuyerState {
  x: number;
  tx: number;
  n: number;
  active: number;
  total: number;
  shares: Shares;
}

export function stateAt(h: BuyerHistory, cut: number, shares: Shares = POOLED): BuyerState {
  const n = cut - h.cohortIndex;
  let x = 0;
  let tx = 0;
  let active = 0;
  let total = 0;
  for (let i = 0; i < h.lifetimes.length; i++) {
    const k = h.lifetimes[i]!;
    if (k > n) break;
    active++;
    total += h.revenue[i]!;
    if (k >= 1) {
      x++;
      tx = k;
    }
  }
  return { x, tx, n, active, total, shares };
}

/** Both models fitted at one cut, with samplers of their estimates. */
export interface BuyerModel {
  cut: number;
  incidence: BgbbFit;
  spend: GammaGammaFit;
  drawIncidence: (normal: () => number) => BgbbParams;
  drawSpend: (normal: () => number) => GammaGammaParams;
}

/**
 * Fits both models on every buyer whose cohort month is at or before `cut` (a month index), as the
 * data stood at the end of that month. Null when either cannot be fitted or pinned down.
 */
export function fitBuyerModel(histories: readonly BuyerHistory[], cut: number): BuyerModel | null {
  const states = histories.filter((h) => h.cohortIndex <= cut).map((h) => stateAt(h, cut));
  const patterns: Pattern[] = toPatterns(states);
  const spends: SpendHistory[] = states
    .filter((s) => s.total > 0)
    .map((s) => ({ x: s.active, total: s.total }));
  const incidence = fitBgbb(patterns);
  const spend = fitGammaGamma(spends);
  if (!incidence || !spend) return null;
  const incidenceDraw = estimateSampler(
    (v) => totalLogLikelihood(paramsFromLog(v), patterns),
    logOfParams(incidence.params),
  );
  const spendDraw = estimateSampler(
    (v) => aggregatedSpendLogLikelihood(spendParamsFromLog(v), spend.groups),
    logOfSpendParams(spend.params),
  );
  if (!incidenceDraw || !spendDraw) return null;
  return {
    cut,
    incidence,
    spend,
    drawIncidence: (normal) => paramsFromLog(incidenceDraw(normal)),
    drawSpend: (normal) => spendParamsFromLog(spendDraw(normal)),
  };
}

/** The last observed month index of a set of (already cut) curves. */
export function lastObservedMonth(curves: readonly CohortCurve[]): number {
  return Math.max(...curves.map((c) => monthIndex(c.cohort) + c.ltv.length - 1));
}

/**
 * LTV(c, k) for every cohort of `ltv` and lifetime 0..maxLifetime−1 by the buyer-level model: the
 * report's entry point (the same rows as forecastLtv, so the ROMI and payback forecasts read either).
 */
export function forecastLtvByBuyers(
  ltv: readonly LtvRow[],
  histories: readonly BuyerHistory[],
  options: BuyerForecastOptions = {},
): LtvForecastRow[] {
  const curves = cohortCurves(ltv);
  if (curves.length === 0) return [];
  const model = fitBuyerModel(histories, lastObservedMonth(curves));
  return forecastByBuyers(curves, curves, histories, model, options);
}

/**
 * Forecasts `targets` (cut curves) with `model` fitted at the cut; every target's buyers are read from
 * `histories` as of the model's cut, and `training` (the cut curves of every cohort) gives the cohort
 * errors that widen the interval (cohortSpread). Null forecast cells when the model is null or fewer
 * than two older cohorts are observed past the target's anchor (no interval can be made).
 */
export function forecastByBuyers(
  targets: readonly CohortCurve[],
  training: readonly CohortCurve[],
  histories: readonly BuyerHistory[],
  model: BuyerModel | null,
  options: BuyerForecastOptions = {},
): LtvForecastRow[] {
  const { maxLifetime, level, draws, seed } = {
    ...FORECAST_DEFAULTS,
    ...BUYER_FORECAST_DEFAULTS,
    ...options,
  };
  const rows: LtvForecastRow[] = [];
  const spreads = new Map<number, CohortSpread | null>();
  const spreadAt = (m: BuyerModel, anchor: number) => {
    if (!spreads.has(anchor)) spreads.set(anchor, cohortSpread(training, histories, m, anchor));
    return spreads.get(anchor)!;
  };
  for (const [index, curve] of targets.entries()) {
    const anchor = curve.ltv.length - 1;
    const horizon = maxLifetime - 1 - anchor;
    const spread = model && anchor >= 0 && horizon > 0 ? spreadAt(model, anchor) : null;
    let predicted: SinkPrediction | null = null;
    if (model && spread && curve.size > 0) {
      const cohortIndex = monthIndex(curve.cohort);
      const buyers = histories.filter((h) => h.cohortIndex === cohortIndex).map((h) => stateAt(h, model.cut));
      const sink = { observed: curve.ltv[anchor]!, size: curve.size };
      if (buyers.length > 0)
        predicted =
          predictSinks(buyers, [sink], model, spread, horizon, anchor, level, draws, seed + index)[0] ?? null;
    }
    rows.push(...forecastRows(curve, maxLifetime, predicted));
  }
  return rows;
}

/** A cohort's grid 0..maxLifetime−1: its observed cells, then `predicted` (null cells without it). */
export function forecastRows(
  curve: CohortCurve,
  maxLifetime: number,
  predicted: SinkPrediction | null,
): LtvForecastRow[] {
  const anchor = curve.ltv.length - 1;
  const rows: LtvForecastRow[] = [];
  for (let k = 0; k < maxLifetime; k++) {
    const base = { cohort: curve.cohort, lifetime: k, cohort_size: curve.size };
    if (k <= anchor)
      rows.push({ ...base, ltv: curve.ltv[k]!, ltv_low: null, ltv_high: null, observed: true });
    else if (predicted) {
      const j = k - anchor - 1;
      rows.push({
        ...base,
        ltv: predicted.ltv[j]!,
        ltv_low: predicted.low[j]!,
        ltv_high: predicted.high[j]!,
        observed: false,
      });
    } else rows.push({ ...base, ltv: null, ltv_low: null, ltv_high: null, observed: false });
  }
  return rows;
}

/** How far whole cohorts stray from the model's forecast, per unit of x = ln((k + 1) / (a + 1)). */
export interface CohortSpread {
  sd: number;
  df: number;
  cohorts: number;
}

/**
 * The cohorts' own misses from `anchor`: every training cohort observed past it is forecast from its
 * buyers as they stood at its lifetime `anchor` (with the model's parameters) to its last observed
 * lifetime L, and e = ln(actual / forecast) / ln((L + 1) / (a + 1)). Their size-weighted root mean
 * square (the mean error included: a systematic miss widens the interval too) is the scale, n_eff =
 * (Σ size)² / Σ size² the t quantile's degrees of freedom. Why: the model pools every cohort, so its
 * parameters are known to a fraction of a percent and its buyers' own chance averages out over
 * thousands of buyers; what a cohort's forecast actually misses by is the cohort's own level (season,
 * mix of buyers), which the bootstrap cannot see (on Afisha its intervals alone covered 17 %). The
 * parameters are the cut's, fitted with these cohorts' later months: in sample, but four parameters
 * pooled over every buyer are barely moved by one cohort. Null with fewer than two such cohorts.
 */
export function cohortSpread(
  training: readonly CohortCurve[],
  histories: readonly BuyerHistory[],
  model: BuyerModel,
  anchor: number,
): CohortSpread | null {
  let sw = 0;
  let sw2 = 0;
  let swe = 0;
  let count = 0;
  for (const curve of training) {
    const last = curve.ltv.length - 1;
    if (last <= anchor || !(curve.size > 0) || !(curve.ltv[last]! > 0)) continue;
    const index = monthIndex(curve.cohort);
    const buyers = histories.filter((h) => h.cohortIndex === index).map((h) => stateAt(h, index + anchor));
    const [future] = expectedFuture(buyers, 1, model.incidence.params, model.spend.params, last - anchor);
    const forecast = cumulate(curve.ltv[anchor]!, future!, curve.size).at(-1)!;
    if (!(forecast > 0)) continue;
    const e = Math.log(curve.ltv[last]! / forecast) / Math.log((last + 1) / (anchor + 1));
    sw += curve.size;
    sw2 += curve.size * curve.size;
    swe += curve.size * e * e;
    count++;
  }
  if (count < 2) return null;
  return { sd: Math.sqrt(swe / sw), df: (sw * sw) / sw2, cohorts: count };
}

/** Where a forecast is counted: the LTV at the anchor and the buyers it is per (fractional per source). */
export interface Sink {
  observed: number;
  size: number;
}

/** Point forecast and interval of LTV(c, anchor + j), j = 1..horizon, of one sink. */
export interface SinkPrediction {
  ltv: number[];
  low: number[];
  high: number[];
}

/**
 * Point forecast and interval of every sink from one cohort's buyers (their states at the model's cut,
 * each counted in its sinks with its weights). One simulation serves every sink: each replicate
 * simulates every buyer once and adds its revenue to its sinks by weight, so with weights summing to
 * 1 per buyer the sinks' revenues add up to the pooled forecast's in every replicate (and in the point
 * forecast). With the pooled one sink, weight 1, the draws and sums are those of a plain pooled run.
 */
export function predictSinks(
  buyers: readonly BuyerState[],
  sinks: readonly Sink[],
  model: BuyerModel,
  spread: CohortSpread,
  horizon: number,
  anchor: number,
  level: number,
  draws: number,
  seed: number,
): SinkPrediction[] {
  const futures = expectedFuture(buyers, sinks.length, model.incidence.params, model.spend.params, horizon);
  const points = sinks.map((sink, i) => cumulate(sink.observed, futures[i]!, sink.size));
  const variates = new Variates(seed);
  const groups = groupByPattern(buyers);
  const replicates = sinks.map(() => Array.from({ length: horizon }, () => new Float64Array(draws)));
  for (let b = 0; b < draws; b++) {
    const simulated = simulateFuture(
      groups,
      sinks.length,
      model.drawIncidence(() => variates.normal()),
      model.drawSpend(() => variates.normal()),
      horizon,
      variates,
    );
    for (const [i, sink] of sinks.entries()) {
      const path = cumulate(sink.observed, simulated[i]!, sink.size);
      for (let j = 0; j < horizon; j++) replicates[i]![j]![b] = path[j]!;
    }
  }
  // The bootstrap's log half-widths and the cohort spread's add in quadrature (independent sources).
  const tail = (1 - level) / 2;
  const t = studentTQuantile(1 - tail, Math.max(1, spread.df));
  return sinks.map((sink, i) => {
    const ltv = points[i]!;
    const low: number[] = [];
    const high: number[] = [];
    for (let j = 0; j < horizon; j++) {
      const point = ltv[j]!;
      const cohort = t * spread.sd * Math.log((anchor + j + 2) / (anchor + 1));
      const below = Math.max(0, Math.log(point / quantile(replicates[i]![j]!, tail)));
      const above = Math.max(0, Math.log(quantile(replicates[i]![j]!, 1 - tail) / point));
      low.push(Math.max(sink.observed, point * Math.exp(-Math.hypot(below, cohort))));
      high.push(point * Math.exp(Math.hypot(above, cohort)));
    }
    return { ltv, low, high };
  });
}

/**
 * Expected revenue of each sink's buyers in each of the next `horizon` months (closed forms, by
 * pattern): per pattern the weighted sum of the buyers' expected spends, times E[X] of each month.
 */
function expectedFuture(
  buyers: readonly BuyerState[],
  sinks: number,
  incidence: BgbbParams,
  spend: GammaGammaParams,
  horizon: number,
): number[][] {
  const out = Array.from({ length: sinks }, () => new Array<number>(horizon).fill(0));
  const byPattern = new Map<string, { s: BuyerState; spend: number[] }>();
  for (const s of buyers) {
    const key = `${s.x},${s.tx},${s.n}`;
    const m = s.total > 0 ? expectedSpend(spend, s.active, s.total) : expectedSpend(spend, 0, 0);
    const entry = byPattern.get(key) ?? { s, spend: new Array<number>(sinks).fill(0) };
    for (const [sink, weight] of s.shares) entry.spend[sink]! += weight * m;
    byPattern.set(key, entry);
  }
  for (const { s, spend: m } of byPattern.values()) {
    const e = expectedByPeriod(incidence, s.x, s.tx, s.n, horizon);
    for (let i = 0; i < sinks; i++) for (let j = 0; j < horizon; j++) out[i]![j]! += e[j]! * m[i]!;
  }
  return out;
}

/** A cohort's buyers grouped by their BG/BB pattern (the posterior of being alive is per pattern). */
interface PatternGroup {
  x: number;
  tx: number;
  n: number;
  members: BuyerState[];
}

function groupByPattern(buyers: readonly BuyerState[]): PatternGroup[] {
  const byKey = new Map<string, PatternGroup>();
  for (const s of buyers) {
    const key = `${s.x},${s.tx},${s.n}`;
    const g = byKey.get(key) ?? { x: s.x, tx: s.tx, n: s.n, members: [] };
    g.members.push(s);
    byKey.set(key, g);
  }
  return [...byKey.values()];
}

/**
 * One replicate: every buyer simulated forward from its posterior under the drawn parameters, its
 * revenue added to its sinks by weight.
 */
function simulateFuture(
  groups: readonly PatternGroup[],
  sinks: number,
  incidence: BgbbParams,
  spend: GammaGammaParams,
  horizon: number,
  v: Variates,
): number[][] {
  const out = Array.from({ length: sinks }, () => new Array<number>(horizon).fill(0));
  for (const g of groups) {
    const terms = likelihoodTerms(incidence, g.x, g.tx, g.n);
    const pAlive = Math.exp(terms.at(-1)! - logSumExp(terms));
    // An alive buyer's p ~ Beta(α + x, β + n − x) and θ ~ Beta(γ, δ + n) are not drawn: their Pólya
    // urns give the same joint law of the months ahead with uniforms only (drop out at the next
    // month with γ / (γ + δ + m) after surviving m; buy with (α + x') / (α + β + m')).
    const { alpha, beta, gamma, delta } = incidence;
    for (const s of g.members) {
      if (v.uniform() >= pAlive) continue;
      // ν | spends ~ Gamma(q + p·x, rate γ + total); without a positive spend, the prior Gamma(q, rate γ).
      const positive = s.total > 0;
      const shape = positive ? spend.q + spend.p * s.active : spend.q;
      const rate = positive ? spend.gamma + s.total : spend.gamma;
      let nu = 0;
      let bought = s.x;
      for (let j = 0; j < horizon; j++) {
        const seen = s.n + j;
        if (v.uniform() < gamma / (gamma + delta + seen)) break;
        if (v.uniform() >= (alpha + bought) / (alpha + beta + seen)) continue;
        bought++;
        if (nu === 0) nu = v.gamma(shape) / rate;
        const revenue = v.gamma(spend.p) / nu;
        for (const [sink, weight] of s.shares) out[sink]![j]! += weight * revenue;
      }
    }
  }
  return out;
}

function cumulate(observed: number, future: readonly number[], size: number): number[] {
  let sum = observed;
  return future.map((f) => {
    sum += f / size;
    return sum;
  });
}

/** The p-quantile with linear interpolation between order statistics (R's type 7). */
function quantile(values: Float64Array, p: number): number {
  const sorted = Float64Array.from(values).sort();
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
