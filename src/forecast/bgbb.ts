/**
 * The beta-geometric/beta-Bernoulli (BG/BB) model of purchase incidence in discrete time (Fader,
 * Hardie & Shang 2010, "Customer-base analysis in a discrete-time noncontractual setting"). Here an
 * opportunity is a calendar month after the buyer's first (cohort) month: at each one a buyer still
 * "alive" first drops out with probability θ and otherwise buys with probability p (a month with at
 * least one order is one transaction); p ~ Beta(α, β) and θ ~ Beta(γ, δ) across buyers.
 *
 * A buyer's history enters only through (x, t_x, n): repeat months, the last of them (0 if none) and
 * the opportunities observed. Buyers with the same triple have the same likelihood, so the fit runs
 * over patterns with counts, which is what makes it cheap (a few hundred patterns for 12 months).
 */
import { logGamma } from "../budget/log-gamma.ts";
import { nelderMead } from "./nelder-mead.ts";

export interface BgbbParams {
  alpha: number;
  beta: number;
  gamma: number;
  delta: number;
}

/** A recency/frequency pattern and how many buyers show it. */
export interface Pattern {
  x: number;
  tx: number;
  n: number;
  count: number;
}

export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** Aggregates per-buyer triples into patterns with counts (order of first appearance). */
export function toPatterns(buyers: Iterable<{ x: number; tx: number; n: number }>): Pattern[] {
  const byKey = new Map<string, Pattern>();
  for (const b of buyers) {
    if (!(b.x >= 0 && b.x <= b.n && b.tx <= b.n && (b.x === 0 ? b.tx === 0 : b.tx >= b.x)))
      throw new RangeError(`not a BG/BB pattern: x=${b.x}, t_x=${b.tx}, n=${b.n}`);
    const key = `${b.x},${b.tx},${b.n}`;
    const p = byKey.get(key);
    if (p) p.count++;
    else byKey.set(key, { x: b.x, tx: b.tx, n: b.n, count: 1 });
  }
  return [...byKey.values()];
}

/**
 * The log of each term of the likelihood of (x, t_x, n), FHS 2010 eq. (5): the last is "alive through
 * n", term i (0 ≤ i < n − t_x) is "dropped out at opportunity t_x + i + 1". Their sum is the
 * likelihood; normalised, they are the posterior probabilities of those states (used to simulate).
 */
export function likelihoodTerms(params: BgbbParams, x: number, tx: number, n: number): number[] {
  const { alpha, beta, gamma, delta } = params;
  const base = -logBeta(alpha, beta) - logBeta(gamma, delta);
  const terms: number[] = [];
  for (let i = 0; i < n - tx; i++)
    terms.push(base + logBeta(alpha + x, beta + tx - x + i) + logBeta(gamma + 1, delta + tx + i));
  terms.push(base + logBeta(alpha + x, beta + n - x) + logBeta(gamma, delta + n));
  return terms;
}

export function logSumExp(xs: readonly number[]): number {
  const max = Math.max(...xs);
  if (!Number.isFinite(max)) return max;
  let s = 0;
  for (const v of xs) s += Math.exp(v - max);
  return max + Math.log(s);
}

export function logLikelihood(params: BgbbParams, x: number, tx: number, n: number): number {
  return logSumExp(likelihoodTerms(params, x, tx, n));
}

/** Σ count · ln L over the patterns. */
export function totalLogLikelihood(params: BgbbParams, patterns: readonly Pattern[]): number {
  let s = 0;
  for (const p of patterns) s += p.count * logLikelihood(params, p.x, p.tx, p.n);
  return s;
}

export const paramsFromLog = (v: readonly number[]): BgbbParams => ({
  alpha: Math.exp(v[0]!),
  beta: Math.exp(v[1]!),
  gamma: Math.exp(v[2]!),
  delta: Math.exp(v[3]!),
});

export const logOfParams = (p: BgbbParams): number[] => [p.alpha, p.beta, p.gamma, p.delta].map(Math.log);

export interface BgbbFit {
  params: BgbbParams;
  logLikelihood: number;
  /** Buyers and buyer-opportunities the fit saw. */
  buyers: number;
  opportunities: number;
}

/**
 * Maximum likelihood over the patterns, on log parameters (so they stay positive), by Nelder–Mead
 * restarted once from its own optimum (a simplex can stall on a ridge; the restart costs little).
 * Null when no buyer had an opportunity (nothing says how buyers repeat).
 */
export function fitBgbb(patterns: readonly Pattern[]): BgbbFit | null {
  const opportunities = patterns.reduce((s, p) => s + p.count * p.n, 0);
  const buyers = patterns.reduce((s, p) => s + p.count, 0);
  if (opportunities === 0) return null;
  const objective = (v: readonly number[]) =>
    v.some((t) => Math.abs(t) > 12)
      ? Number.POSITIVE_INFINITY
      : -totalLogLikelihood(paramsFromLog(v), patterns);
  let best = nelderMead(objective, [0, 0, 0, 0], { step: 1 });
  best = nelderMead(objective, best.x, { step: 0.2 });
  return { params: paramsFromLog(best.x), logLikelihood: -best.value, buyers, opportunities };
}

/**
 * Expected transactions at each of the next `periods` opportunities (n + 1 … n + periods) of a buyer
 * with history (x, t_x, n): element j − 1 is E[X_{n+j}] = B(α+x+1, β+n−x)/B(α,β) · B(γ, δ+n+j)/B(γ,δ) / L,
 * the per-period form of FHS 2010 eq. (13) (its sum is that closed form; summing periods avoids the
 * closed form's 0/0 at γ = 1).
 */
export function expectedByPeriod(
  params: BgbbParams,
  x: number,
  tx: number,
  n: number,
  periods: number,
): number[] {
  const { alpha, beta, gamma, delta } = params;
  const logL = logLikelihood(params, x, tx, n);
  const lead = logBeta(alpha + x + 1, beta + n - x) - logBeta(alpha, beta) - logBeta(gamma, delta) - logL;
  return Array.from({ length: periods }, (_, j) => Math.exp(lead + logBeta(gamma, delta + n + j + 1)));
}

/** FHS 2010 eq. (13): E[X(n, n + n*) | x, t_x, n], the closed form (γ ≠ 1), for testing the per-period sum. */
export function expectedClosedForm(
  params: BgbbParams,
  x: number,
  tx: number,
  n: number,
  nStar: number,
): number {
  const { alpha, beta, gamma, delta } = params;
  const logL = logLikelihood(params, x, tx, n);
  const ratio = (m: number) => Math.exp(logGamma(1 + delta + m) - logGamma(gamma + delta + m));
  return (
    Math.exp(logBeta(alpha + x + 1, beta + n - x) - logBeta(alpha, beta) - logL) *
    (delta / (gamma - 1)) *
    Math.exp(logGamma(gamma + delta) - logGamma(1 + delta)) *
    (ratio(n) - ratio(n + nStar))
  );
}
