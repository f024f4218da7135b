import { cholesky, choleskyInverse, choleskySolve } from "./dense-solve.ts";
import { logGamma } from "./log-gamma.ts";

/*
 * Log-link count regressions fitted by iteratively reweighted least squares (McCullagh & Nelder,
 * ch. 2): Poisson, and negative binomial (NB2: Var y = mu + mu^2 / theta) when the Poisson fit is
 * overdispersed. theta is estimated by maximum likelihood, alternating with IRLS for the coefficients.
 */

/** A design: `rows` x `cols`, row-major. */
export interface Design {
  rows: number;
  cols: number;
  x: Float64Array;
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

/**
 * IRLS for E y = exp(X b) with variance mu + mu^2/theta (theta = Infinity: Poisson). `start`
 * (coefficients) speeds up refits on resampled data. Step halving guards against a step that lowers
 * the likelihood, which plain IRLS can take from a poor start.
 */
export function fitLogLink(
  design: Design,
  y: Float64Array,
  theta = Number.POSITIVE_INFINITY,
  start?: Float64Array,
): CountFit {
  const { rows, cols, x } = design;
  if (y.length !== rows) throw new Error(`design has ${rows} rows but y has ${y.length}`);
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
  let mu = eta.map(Math.exp);
  let ll = start ? logLikelihood(y, mu, theta) : Number.NEGATIVE_INFINITY;
  let iterations = 0;
  for (; iterations < MAX_ITERATIONS; iterations++) {
    const w = weights(mu, theta);
    const z = new Float64Array(rows);
    for (let i = 0; i < rows; i++) z[i] = eta[i]! + (y[i]! - mu[i]!) / mu[i]!;
    const factor = cholesky(weightedCross(design, w));
    const rhs = new Float64Array(cols);
    for (let i = 0; i < rows; i++) {
      const wz = w[i]! * z[i]!;
      for (let j = 0; j < cols; j++) rhs[j]! += x[i * cols + j]! * wz;
    }
    let next = choleskySolve(factor, rhs);
    let nextEta = linearPredictor(design, next);
    let nextMu = nextEta.map(Math.exp);
    let nextLl = logLikelihood(y, nextMu, theta);
    for (
      let halving = 0;
      halving < 30 && !(nextLl >= ll - 1e-12 * Math.abs(ll)) && Number.isFinite(ll);
      halving++
    ) {
      next = next.map((b, j) => (b + coef[j]!) / 2);
      nextEta = linearPredictor(design, next);
      nextMu = nextEta.map(Math.exp);
      nextLl = logLikelihood(y, nextMu, theta);
    }
    const change = Math.abs(nextLl - ll);
    coef = next;
    eta = nextEta;
    mu = nextMu;
    const previous = ll;
    ll = nextLl;
    if (Number.isFinite(previous) && change <= TOLERANCE * (Math.abs(ll) + 1)) break;
  }
  const factor = cholesky(weightedCross(design, weights(mu, theta)));
  return { coef, cov: choleskyInverse(factor).a, mu, theta, logLik: ll, iterations: iterations + 1 };
}

/**
 * Negative binomial (NB2) with theta by maximum likelihood: alternate IRLS for the coefficients and a
 * one-dimensional search of the profile likelihood in log theta, until the likelihood settles.
 */
export function fitNegativeBinomial(design: Design, y: Float64Array, start?: CountFit): CountFit {
  let fit = start ?? fitLogLink(design, y);
  let theta = momentTheta(y, fit.mu, design.cols);
  let ll = Number.NEGATIVE_INFINITY;
  for (let round = 0; round < 50; round++) {
    fit = fitLogLink(design, y, theta, fit.coef);
    theta = maximiseTheta(y, fit.mu);
    const next = logLikelihood(y, fit.mu, theta);
    if (Math.abs(next - ll) <= 1e-9 * (Math.abs(next) + 1)) break;
    ll = next;
  }
  return fitLogLink(design, y, theta, fit.coef);
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
  let ll = 0;
  const poisson = !Number.isFinite(theta);
  const lgTheta = poisson ? 0 : logGamma(theta);
  for (let i = 0; i < y.length; i++) {
    const yi = y[i]!;
    const m = mu[i]!;
    if (poisson) {
      ll += (yi > 0 ? yi * Math.log(m) : 0) - m - logGamma(yi + 1);
    } else {
      ll += logGamma(yi + theta) - lgTheta - logGamma(yi + 1) + theta * Math.log(theta / (theta + m));
      if (yi > 0) ll += yi * Math.log(m / (theta + m));
    }
  }
  return ll;
}

function weights(mu: Float64Array, theta: number): Float64Array {
  return Number.isFinite(theta) ? mu.map((m) => m / (1 + m / theta)) : Float64Array.from(mu);
}

function linearPredictor(design: Design, coef: Float64Array): Float64Array {
  const { rows, cols, x } = design;
  const eta = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += x[i * cols + j]! * coef[j]!;
    eta[i] = s;
  }
  return eta;
}

function weightedCross(design: Design, w: Float64Array): { n: number; a: Float64Array } {
  const { rows, cols, x } = design;
  const a = new Float64Array(cols * cols);
  for (let i = 0; i < rows; i++) {
    const wi = w[i]!;
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const xj = x[o + j]!;
      if (xj === 0) continue;
      const wx = wi * xj;
      for (let k = 0; k <= j; k++) a[j * cols + k]! += wx * x[o + k]!;
    }
  }
  for (let j = 0; j < cols; j++) for (let k = 0; k < j; k++) a[k * cols + j] = a[j * cols + k]!;
  return { n: cols, a };
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
