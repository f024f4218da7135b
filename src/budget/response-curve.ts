import { geometricAdstock } from "./adstock.ts";
import {
  type CountFit,
  type Design,
  fitLogLink,
  fitNegativeBinomial,
  likelihoodConstant,
  overdispersionT,
} from "./count-regression.ts";
import { SingularMatrixError } from "./dense-solve.ts";
import { percentile } from "./percentile.ts";

/*
 * One source's response curve: daily new buyers ~ month + trend within month + day of week +
 * elasticity * log(adstocked spend), Poisson or negative binomial (when the Poisson fit is overdispersed). Month effects absorb
 * seasonal demand, which moves every source's spend together (Afisha: ~0.95 correlated by month), so
 * the elasticity is identified by day-to-day variation of spend within months only.
 */

/** One day of one source: spend (null = no cost row that day) and new buyers credited to the source. */
export interface DailyAcquisition {
  /** `YYYY-MM-DD`. */
  day: string;
  spend: number | null;
  newBuyers: number;
}

/** Candidate adstock decays; the one with the highest likelihood is used (docs/decisions.md). */
export const ADSTOCK_DECAYS = [0, 0.25, 0.5, 0.75] as const;

/** Cameron-Trivedi t above this (one-sided 5 %) switches to the negative binomial. */
const OVERDISPERSION_T = 1.645;

export interface ResponseCurve {
  /** d log(new buyers) / d log(spend), and its bootstrap percentile interval. */
  elasticity: number;
  elasticityLow: number;
  elasticityHigh: number;
  /** Model-based standard error (inverse Fisher information); the bootstrap interval is the one reported. */
  elasticitySe: number;
  /** The elasticity of every bootstrap replicate (NaN where a replicate could not be fitted). */
  replicates: Float64Array;
  adstockDecay: number;
  /** This source's Poisson log-likelihood at each candidate decay (the choice sums them over sources). */
  decayLogLik: { decay: number; logLik: number }[];
  family: "poisson" | "negative-binomial";
  /** Negative-binomial theta (Var = mu + mu^2/theta); null for Poisson. */
  theta: number | null;
  overdispersionT: number;
  /** Days in the fit, and days left out with the reason. */
  daysUsed: number;
  daysLeftOut: { noCostRow: number; zeroSpend: number; monthWithoutBuyers: number };
  /** Every coefficient by column name (intercept, month YYYY-MM, trend YYYY-MM, dow 1..6, log adstock). */
  coefficients: Record<string, number>;
  /** Mean of log adstock over the fitted days (the log adstock column is centred on it). */
  logAdstockMean: number;
  /** Basis of the curve: mean monthly spend and new buyers over the days used (30.4375-day months). */
  spendPerMonth: number;
  buyersPerMonth: number;
}

export interface FitOptions {
  /** Bootstrap replicates as positions into `series` (weekBlockReplicates). */
  replicates: readonly Int32Array[];
  /** Two-sided level of the intervals; default 0.9. */
  confidence?: number;
  decays?: readonly number[];
}

export const DAYS_PER_MONTH = 365.25 / 12;

interface Row {
  month: string;
  /** Day of the month, centred and scaled to about ±0.5 (the within-month trend's regressor). */
  dayInMonth: number;
  dow: number;
  logA: number;
  y: number;
  /** Position of the day in the series the rows were taken from. */
  at: number;
}

/** Fits one source's curve (its own adstock decay). `series` is one entry per day, in day order. */
export function fitResponseCurve(series: readonly DailyAcquisition[], options: FitOptions): ResponseCurve {
  return fitResponseCurves([series], options)[0]!;
}

/**
 * Fits the curves of several sources on the same days with one adstock decay for all, the candidate
 * with the highest likelihood summed over the sources. One decay, not one per source: a year of
 * daily data does not tell decays apart per source (on the planted sample, source 2 chose 0 against
 * the planted 0.25, and its elasticity fell from 0.5 to 0.33 with it), and choosing per source lets
 * each source pick the decay that fits its noise best, which made placebo intervals too narrow.
 * Every bootstrap replicate chooses the decay again, so intervals carry that choice's uncertainty.
 */
export function fitResponseCurves(
  all: readonly (readonly DailyAcquisition[])[],
  options: FitOptions,
): ResponseCurve[] {
  const confidence = options.confidence ?? 0.9;
  const decays = options.decays ?? ADSTOCK_DECAYS;
  const prepared = all.map((series) => {
    const spend = series.map((d) => d.spend);
    const adstocks = decays.map((decay) => geometricAdstock(spend, decay));
    // Every refit of every replicate takes the log of the same adstocks: taken once here.
    const logAdstocks = adstocks.map((a) => a.map(Math.log));
    const candidates = decays.map((decay, k) => {
      const rows = usableRows(series, adstocks[k]!);
      const design = buildDesign(rows.rows);
      const y = Float64Array.from(rows.rows, (r) => r.y);
      return { decay, rows, design, y, poisson: fitLogLink(design.design, y) };
    });
    return { series, adstocks, logAdstocks, candidates };
  });
  const pooled = (k: number): number => prepared.reduce((s, p) => s + p.candidates[k]!.poisson.logLik, 0);
  const chosen = decays.reduce((a, _, k) => (pooled(k) > pooled(a) ? k : a), 0);
  const fits = prepared.map((p) => {
    const best = p.candidates[chosen]!;
    const t = overdispersionT(best.y, best.poisson.mu);
    const nb = t > OVERDISPERSION_T;
    const fit: CountFit = nb ? fitNegativeBinomial(best.design.design, best.y, best.poisson) : best.poisson;
    return { best, t, nb, fit };
  });
  // replicates[s][r]: source s's elasticity at the decay replicate r chose for all sources.
  const replicates = all.map(() => new Float64Array(options.replicates.length));
  options.replicates.forEach((positions, r) => {
    const perSource = prepared.map((p, s) =>
      refit(p.series, p.adstocks, p.logAdstocks, positions, fits[s]!.fit, fits[s]!.best.design.keys),
    );
    let k = 0;
    let bestLl = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < decays.length; j++) {
      const ll = perSource.reduce((sum, f) => sum + f[j]!.logLik, 0);
      if (ll > bestLl) {
        bestLl = ll;
        k = j;
      }
    }
    perSource.forEach((f, s) => {
      replicates[s]![r] = Number.isFinite(bestLl) ? f[k]!.elasticity : Number.NaN;
    });
  });
  const tail = (1 - confidence) / 2;
  return fits.map(({ best, t, nb, fit }, s) => {
    const col = best.design.keys.length - 1;
    const finite = Array.from(replicates[s]!).filter(Number.isFinite);
    const used = best.rows.rows;
    return {
      elasticity: fit.coef[col]!,
      coefficients: Object.fromEntries(best.design.keys.map((key, i) => [key, fit.coef[i]!])),
      logAdstockMean: best.design.meanLog,
      elasticityLow: finite.length > 0 ? percentile(finite, tail) : Number.NaN,
      elasticityHigh: finite.length > 0 ? percentile(finite, 1 - tail) : Number.NaN,
      elasticitySe: Math.sqrt(fit.cov[col * best.design.keys.length + col]!),
      replicates: replicates[s]!,
      adstockDecay: best.decay,
      decayLogLik: prepared[s]!.candidates.map((c) => ({ decay: c.decay, logLik: c.poisson.logLik })),
      family: nb ? "negative-binomial" : "poisson",
      theta: nb ? fit.theta : null,
      overdispersionT: t,
      daysUsed: used.length,
      daysLeftOut: best.rows.leftOut,
      spendPerMonth: (best.rows.spendUsed / used.length) * DAYS_PER_MONTH,
      buyersPerMonth: (used.reduce((sum, row) => sum + row.y, 0) / used.length) * DAYS_PER_MONTH,
    };
  });
}

/**
 * One source on one resampled set of days: for each candidate decay, the likelihood and elasticity
 * of a fit with the family and theta of the full fit (-Infinity and NaN where the resampled design is
 * singular). A day drawn k times is fitted once with frequency weight k: the same likelihood and
 * estimates as k copies, for a third less work. The first decay starts from the full fit's
 * coefficients, each next one from the previous decay's solution on the same days (only the
 * elasticity column changes between them, so that start is closer); the optimum is the same.
 */
function refit(
  series: readonly DailyAcquisition[],
  adstocks: readonly Float64Array[],
  logAdstocks: readonly Float64Array[],
  positions: Int32Array,
  full: CountFit,
  fullKeys: readonly string[],
): { logLik: number; elasticity: number }[] {
  const drawn = new Int32Array(series.length);
  for (const p of positions) drawn[p]!++;
  let n = 0;
  for (const k of drawn) if (k > 0) n++;
  const distinct = new Int32Array(n);
  for (let p = 0, j = 0; p < drawn.length; p++) if (drawn[p]! > 0) distinct[j++] = p;
  const picked = Array.from(distinct, (p) => series[p]!);
  // The same days are usable at every decay (spend > 0 gives adstock > 0), so one design serves all:
  // only its last column, log adstock, changes from one decay to the next.
  const rows = usableRows(
    picked,
    Float64Array.from(distinct, (p) => adstocks[0]![p]!),
  ).rows;
  const design = buildDesign(rows);
  const y = Float64Array.from(rows, (r) => r.y);
  const freq = Float64Array.from(rows, (r) => drawn[distinct[r.at]!]!);
  const total = freq.reduce((a, b) => a + b, 0);
  let start: Float64Array = Float64Array.from(design.keys, (k) => {
    const i = fullKeys.indexOf(k);
    return i >= 0 ? full.coef[i]! : 0;
  });
  const constant = likelihoodConstant(y, full.theta, freq);
  const { start: rs, val } = design.design;
  const last = design.keys.length - 1;
  return logAdstocks.map((logAdstock) => {
    const logA = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) logA[i] = logAdstock[distinct[rows[i]!.at]!]!;
    // Centred on the replicate's mean (weighted like the rows); centring moves only the intercept.
    const mean = logA.reduce((s, v, i) => s + v * freq[i]!, 0) / total;
    logA.forEach((v, i) => {
      val[rs[i + 1]! - 1] = v - mean;
    });
    try {
      const fit = fitLogLink(design.design, y, {
        theta: full.theta,
        start,
        covariance: false,
        freq,
        constant,
      });
      start = fit.coef;
      return { logLik: fit.logLik, elasticity: fit.coef[last]! };
    } catch (error) {
      if (!(error instanceof SingularMatrixError)) throw error;
      return { logLik: Number.NEGATIVE_INFINITY, elasticity: Number.NaN };
    }
  });
}

/**
 * Days the likelihood can use: a cost row with positive spend (log 0 is undefined; a missing row is
 * unknown spend, not zero), in a month with at least one new buyer (otherwise that month's effect is
 * -infinity and its days say nothing about the elasticity).
 */
function usableRows(
  series: readonly DailyAcquisition[],
  adstock: Float64Array,
): { rows: Row[]; spendUsed: number; leftOut: ResponseCurve["daysLeftOut"] } {
  const leftOut = { noCostRow: 0, zeroSpend: 0, monthWithoutBuyers: 0 };
  const buyersByMonth = new Map<string, number>();
  const candidates: (Row & { spend: number })[] = [];
  series.forEach((d, i) => {
    if (d.spend === null) {
      leftOut.noCostRow++;
      return;
    }
    if (!(d.spend > 0) || !(adstock[i]! > 0)) {
      leftOut.zeroSpend++;
      return;
    }
    const { month, dayInMonth, dow } = dayFacts(d.day);
    buyersByMonth.set(month, (buyersByMonth.get(month) ?? 0) + d.newBuyers);
    candidates.push({
      month,
      dayInMonth,
      dow,
      logA: Math.log(adstock[i]!),
      y: d.newBuyers,
      at: i,
      spend: d.spend,
    });
  });
  const rows = candidates.filter((r) => {
    const keep = buyersByMonth.get(r.month)! > 0;
    if (!keep) leftOut.monthWithoutBuyers++;
    return keep;
  });
  return { rows, spendUsed: rows.reduce((s, r) => s + r.spend, 0), leftOut };
}

/**
 * Columns: intercept, one dummy per month after the first present, a linear trend in the day of the
 * month per month, one dummy per weekday present other than the first, and log adstock centred on its
 * mean (last column; centring only helps conditioning). The trend is there because demand moves
 * smoothly across month boundaries while adstock lags the month's new spend level: without it, on the
 * planted sample, a high decay picked up that shared drift and source 4's elasticity came out 0.65
 * instead of the planted 0.35.
 */
function buildDesign(rows: readonly Row[]): { design: Design; keys: string[]; meanLog: number } {
  if (rows.length === 0)
    throw new Error("no usable days: every day lacks spend or its month has no new buyers");
  const months = [...new Set(rows.map((r) => r.month))].sort().slice(1);
  const dows = [...new Set(rows.map((r) => r.dow))].sort((a, b) => a - b).slice(1);
  const trends = [...new Set(rows.map((r) => r.month))].sort();
  const keys = [
    "intercept",
    ...months.map((m) => `month ${m}`),
    ...trends.map((m) => `trend ${m}`),
    ...dows.map((d) => `dow ${d}`),
    "log adstock",
  ];
  const cols = keys.length;
  const meanLog = rows.reduce((s, r) => s + r.logA, 0) / rows.length;
  const start = new Int32Array(rows.length + 1);
  const col: number[] = [];
  const val: number[] = [];
  const put = (j: number, v: number): void => {
    col.push(j);
    val.push(v);
  };
  rows.forEach((r, i) => {
    put(0, 1);
    const m = months.indexOf(r.month);
    if (m >= 0) put(1 + m, 1);
    const t = trends.indexOf(r.month);
    if (t >= 0) put(1 + months.length + t, r.dayInMonth);
    const w = dows.indexOf(r.dow);
    if (w >= 0) put(1 + months.length + trends.length + w, 1);
    put(cols - 1, r.logA - meanLog);
    start[i + 1] = col.length;
  });
  return {
    design: { rows: rows.length, cols, start, col: Int32Array.from(col), val: Float64Array.from(val) },
    keys,
    meanLog,
  };
}

/**
 * Expected new buyers on `day` at adstocked spend `adstock`, with the effect and trend of month
 * `month` (default: the day's own; a month outside the fit must be given, e.g. the last fitted one).
 * `trend: false` drops the within-month trend (for months whose trend is unknown).
 */
export function expectedBuyers(
  curve: ResponseCurve,
  day: string,
  adstock: number,
  options: { month?: string; trend?: boolean } = {},
): number {
  const c = curve.coefficients;
  const month = options.month ?? day.slice(0, 7);
  const monthKey = `month ${month}`;
  const reference = !(monthKey in c) && Object.keys(c).every((k) => !k.startsWith("month ") || k > monthKey);
  if (!(monthKey in c) && !reference) throw new Error(`month ${month} is not in the fit`);
  let eta = c.intercept! + (c[monthKey] ?? 0) + (c[`dow ${weekday(day)}`] ?? 0);
  if (options.trend !== false) eta += (c[`trend ${month}`] ?? 0) * ((Number(day.slice(8, 10)) - 15.5) / 30);
  return Math.exp(eta + curve.elasticity * (Math.log(adstock) - curve.logAdstockMean));
}

/** 0 = Monday. */
function weekday(day: string): number {
  return dayFacts(day).dow;
}

/**
 * Month, centred day of the month and weekday of a `YYYY-MM-DD` day, cached: every bootstrap refit
 * rebuilds its rows from the same few hundred days, and parsing them each time cost a tenth of a plan.
 */
function dayFacts(day: string): { month: string; dayInMonth: number; dow: number } {
  let f = days.get(day);
  if (f === undefined) {
    f = {
      month: day.slice(0, 7),
      dayInMonth: (Number(day.slice(8, 10)) - 15.5) / 30,
      dow: (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7,
    };
    days.set(day, f);
  }
  return f;
}
const days = new Map<string, { month: string; dayInMonth: number; dow: number }>();
