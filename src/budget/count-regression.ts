import { cholesky, choleskyInverse, choleskySolve, type SquareMatrix } from "./dense-solve.ts";
import { logGamma } from "./log-gamma.ts";

/*
 * Log-link count regressions fitted by iteratively reweighted least squares (McCullagh & Nelder,
 * ch. 2): Poisson, and negative binomial (NB2: Var y = mu + mu^2 / theta) when the Poisson fit is
 * overdispersed. theta is estimated by maximum likelihood, alternating with IRLS for the coefficients.
 */

/**
 * A design of `rows` x `cols` in compressed sparse rows: row i's non-zero entries are
 * `col[start[i] .. start[i+1])`, columns ascending, with values `val[...]`. Month, trend and weekday
 * columns make each row of a response-curve design 5 non-zeros out of ~30, so the lower triangle of
 * X'WX costs 15 products a row, not 465.
 */
export interface Design {
  rows: number;
  cols: number;
  start: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

/** A sparse design from a dense row-major matrix (tests and small fixtures). */
export function denseDesign(rows: number, cols: number, x: Float64Array): Design {
  const start = new Int32Array(rows + 1);
  const col: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = x[i * cols + j]!;
      if (v !== 0) {
        col.push(j);
        val.push(v);
      }
    }
    start[i + 1] = col.length;
  }
  return { rows, cols, start, col: Int32Array.from(col), val: Float64Array.from(val) };
}

export interface CountFit {
  /** Coefficients, one per design column. */
  coef: Float64Array;
  /** Model-based covariance of the coefficients, (X'WX)^-1 at the solution (theta taken as known). */
  cov: Float64Array;
  /** Fitted means. */
  mu: Float64Array;
  /** Negative-binomial theta; Infinity for Poisson. */
  theta: number;
  logLik: number;
  iterations: number;
}

const MAX_ITERATIONS = 100;
const TOLERANCE = 1e-10;

export interface FitOptions {
  /** Negative-binomial theta; default Infinity (Poisson). */
  theta?: number;
  /** Starting coefficients: speeds up refits on resampled data. */
  start?: Float64Array;
  /** Compute the covariance (default true); refits that only need the estimate skip it. */
  covariance?: boolean;
  /**
   * Frequency weights: row i stands for `freq[i]` identical observations. A bootstrap replicate draws
   * weeks with replacement, so about a third of its days are repeats; fitting each distinct day once
   * with its count gives the same likelihood and estimates with a third less work.
   */
  freq?: Float64Array;
  /** The likelihood's terms without mu (likelihoodConstant of y, theta, freq), when the caller has them. */
  constant?: number;
}

/**
 * IRLS for E y = exp(X b) with variance mu + mu^2/theta (theta = Infinity: Poisson). Step halving
 * guards against a step that lowers the likelihood, which plain IRLS can take from a poor start.
 */
export function fitLogLink(design: Design, y: Float64Array, options: FitOptions = {}): CountFit {
  const { theta = Number.POSITIVE_INFINITY, start, covariance = true, freq } = options;
  const { rows, cols, start: rs, col, val } = design;
  if (y.length !== rows) throw new Error(`design has ${rows} rows but y has ${y.length}`);
  if (freq && freq.length !== rows) throw new Error(`design has ${rows} rows but freq has ${freq.length}`);
  let coef: Float64Array<ArrayBufferLike>;
  let eta: Float64Array<ArrayBufferLike> = new Float64Array(rows);
  if (start) {
    coef = Float64Array.from(start);
    eta = linearPredictor(design, coef);
  } else {
    // Start from the data: eta = log(y + 0.5), then one weighted least-squares step from there.
    for (let i = 0; i < rows; i++) eta[i] = Math.log(y[i]! + 0.5);
    coef = new Float64Array(cols);
  }
  let mu = expOf(eta);
  // The terms without mu are the same at every step: computed once (or given by the caller).
  const constant = options.constant ?? likelihoodConstant(y, theta, freq);
  const likelihood = (m: Float64Array): number => constant + likelihoodKernel(y, m, theta, freq);
  let ll = start ? likelihood(mu) : Number.NEGATIVE_INFINITY;
  let iterations = 0;
  const rhs = new Float64Array(cols);
  // Reused from iteration to iteration: a bootstrap makes tens of thousands of these small arrays.
  const w = new Float64Array(rows);
  const cross = { n: cols, a: new Float64Array(cols * cols) };
  for (; iterations < MAX_ITERATIONS; iterations++) {
    weights(mu, theta, freq, w);
    rhs.fill(0);
    for (let i = 0; i < rows; i++) {
      // w z with the working response z = eta + (y - mu) / mu.
      const wz = w[i]! * (eta[i]! + (y[i]! - mu[i]!) / mu[i]!);
      for (let e = rs[i]!; e < rs[i + 1]!; e++) rhs[col[e]!]! += val[e]! * wz;
    }
    const factor = cholesky(weightedCross(design, w, cross));
    let next = choleskySolve(factor, rhs);
    let nextEta = linearPredictor(design, next);
    let nextMu = expOf(nextEta);
    let nextLl = likelihood(nextMu);
    for (
      let halving = 0;
      halving < 30 && !(nextLl >= ll - 1e-12 * Math.abs(ll)) && Number.isFinite(ll);
      halving++
    ) {
      next = next.map((b, j) => (b + coef[j]!) / 2);
      nextEta = linearPredictor(design, next);
      nextMu = expOf(nextEta);
      nextLl = likelihood(nextMu);
    }
    const change = Math.abs(nextLl - ll);
    coef = next;
    eta = nextEta;
    mu = nextMu;
    const previous = ll;
    ll = nextLl;
    if (Number.isFinite(previous) && change <= TOLERANCE * (Math.abs(ll) + 1)) break;
  }
  const cov = covariance
    ? choleskyInverse(cholesky(weightedCross(design, weights(mu, theta, freq, w), cross))).a
    : new Float64Array(0);
  return { coef, cov, mu, theta, logLik: ll, iterations: iterations + 1 };
}

function expOf(eta: Float64Array): Float64Array {
  const out = new Float64Array(eta.length);
  for (let i = 0; i < eta.length; i++) out[i] = Math.exp(eta[i]!);
  return out;
}

/**
 * Negative binomial (NB2) with theta by maximum likelihood: alternate IRLS for the coefficients and a
 * one-dimensional search of the profile likelihood in log theta, until the likelihood settles.
 */
export function fitNegativeBinomial(design: Design, y: Float64Array, start?: CountFit): CountFit {
  let fit = start ?? fitLogLink(design, y, { covariance: false });
  let theta = momentTheta(y, fit.mu, design.cols);
  let ll = Number.NEGATIVE_INFINITY;
  for (let round = 0; round < 50; round++) {
    fit = fitLogLink(design, y, { theta, start: fit.coef, covariance: false });
    theta = maximiseTheta(y, fit.mu);
    const next = logLikelihood(y, fit.mu, theta);
    if (Math.abs(next - ll) <= 1e-9 * (Math.abs(next) + 1)) break;
    ll = next;
  }
  return fitLogLink(design, y, { theta, start: fit.coef });
}

/**
 * Cameron & Trivedi's (1990) regression test of Var y = mu against Var y = mu + alpha mu^2: the
 * t statistic of alpha in the no-intercept OLS of ((y - mu)^2 - y) / mu on mu, one-sided.
 */
export function overdispersionT(y: Float64Array, mu: Float64Array): number {
  let sxy = 0;
  let sxx = 0;
  const n = y.length;
  const lhs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    lhs[i] = ((y[i]! - mu[i]!) ** 2 - y[i]!) / mu[i]!;
    sxy += mu[i]! * lhs[i]!;
    sxx += mu[i]! * mu[i]!;
  }
  const alpha = sxy / sxx;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (lhs[i]! - alpha * mu[i]!) ** 2;
  const se = Math.sqrt(rss / (n - 1) / sxx);
  return se > 0 ? alpha / se : 0;
}

export function logLikelihood(y: Float64Array, mu: Float64Array, theta: number): number {
  return likelihoodConstant(y, theta) + likelihoodKernel(y, mu, theta);
}

/** The log-likelihood terms that do not depend on mu: -ln y! (and the gamma terms of theta). */
export function likelihoodConstant(y: Float64Array, theta: number, freq?: Float64Array): number {
  const poisson = !Number.isFinite(theta);
  const lgTheta = poisson ? 0 : logGamma(theta);
  let c = 0;
  for (let i = 0; i < y.length; i++) {
    const yi = y[i]!;
    let term = -logGamma(yi + 1);
    if (!poisson) term += logGamma(yi + theta) - lgTheta;
    c += freq ? freq[i]! * term : term;
  }
  return c;
}

function likelihoodKernel(y: Float64Array, mu: Float64Array, theta: number, freq?: Float64Array): number {
  let ll = 0;
  const poisson = !Number.isFinite(theta);
  for (let i = 0; i < y.length; i++) {
    const yi = y[i]!;
    const m = mu[i]!;
    let term: number;
    if (poisson) {
      term = (yi > 0 ? yi * Math.log(m) : 0) - m;
    } else {
      term = theta * Math.log(theta / (theta + m));
      if (yi > 0) term += yi * Math.log(m / (theta + m));
    }
    ll += freq ? freq[i]! * term : term;
  }
  return ll;
}

/** IRLS weights mu / (1 + mu / theta), times the frequency weights, into `w`. */
function weights(
  mu: Float64Array,
  theta: number,
  freq: Float64Array | undefined,
  w: Float64Array,
): Float64Array {
  const nb = Number.isFinite(theta);
  for (let i = 0; i < mu.length; i++) {
    const m = mu[i]!;
    w[i] = (nb ? m / (1 + m / theta) : m) * (freq ? freq[i]! : 1);
  }
  return w;
}

function linearPredictor(design: Design, coef: Float64Array): Float64Array {
  const { rows, start, col, val } = design;
  const eta = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let e = start[i]!; e < start[i + 1]!; e++) s += val[e]! * coef[col[e]!]!;
    eta[i] = s;
  }
  return eta;
}

/**
 * X'WX, its lower triangle only (what cholesky reads; the upper one is left 0): a row's columns are
 * in increasing order, so the pairs f <= e are that triangle, 15 products a row instead of 25. This
 * product was half the time of a bootstrap refit.
 */
function weightedCross(design: Design, w: Float64Array, into: SquareMatrix): SquareMatrix {
  const { rows, cols, start, col, val } = design;
  const a = into.a;
  a.fill(0);
  for (let i = 0; i < rows; i++) {
    const wi = w[i]!;
    const first = start[i]!;
    for (let e = first; e < start[i + 1]!; e++) {
      const wx = wi * val[e]!;
      const o = col[e]! * cols;
      for (let f = first; f <= e; f++) a[o + col[f]!]! += wx * val[f]!;
    }
  }
  return into;
}

/** Method-of-moments start for theta: sum((y-mu)^2 - mu) / mu^2 estimates 1/theta. */
function momentTheta(y: Float64Array, mu: Float64Array, cols: number): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < y.length; i++) {
    num += (y[i]! - mu[i]!) ** 2 - mu[i]!;
    den += mu[i]! * mu[i]!;
  }
  const inverse = (num / den) * (y.length / Math.max(1, y.length - cols));
  return inverse > 1e-6 ? 1 / inverse : 1e6;
}

/** Golden-section search of the likelihood over log theta in [log 0.01, log 1e6] (it is unimodal). */
function maximiseTheta(y: Float64Array, mu: Float64Array): number {
  const f = (lt: number): number => logLikelihood(y, mu, Math.exp(lt));
  let lo = Math.log(0.01);
  let hi = Math.log(1e6);
  const r = (Math.sqrt(5) - 1) / 2;
  let a = hi - r * (hi - lo);
  let b = lo + r * (hi - lo);
  let fa = f(a);
  let fb = f(b);
  while (hi - lo > 1e-7) {
    if (fa < fb) {
      lo = a;
      a = b;
      fa = fb;
      b = lo + r * (hi - lo);
      fb = f(b);
    } else {
      hi = b;
      b = a;
      fb = fa;
      a = hi - r * (hi - lo);
      fa = f(a);
    }
  }
  return Math.exp((lo + hi) / 2);
}
