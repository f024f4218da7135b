/**
 * The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV", and the
 * note "The Gamma-Gamma model of monetary value", Fader & Hardie 2013): a buyer's spends are
 * Gamma(p, ν) with ν ~ Gamma(q, γ) across buyers, independent of how often the buyer buys. Here a
 * transaction is a month with orders and its spend the month's revenue (times the margin), the first
 * (cohort) month included: it is the only spend a one-month-old cohort shows, and it says how big its
 * buyers' orders are.
 *
 * The fit needs each buyer's number of active months x and their total spend; the likelihood of the
 * buyer's mean spend z̄ is FHL 2005 eq. (3)/(4) form:
 *   f(z̄ | x) = Γ(px+q) / (Γ(px) Γ(q)) · γ^q · z̄^(px−1) · x^(px) / (γ + x z̄)^(px+q).
 */
import { logGamma } from "../budget/log-gamma.ts";
import { nelderMead } from "./nelder-mead.ts";

export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** One buyer: active months and their total spend (> 0). */
export interface SpendHistory {
  x: number;
  total: number;
}

export function spendLogLikelihood({ p, q, gamma }: GammaGammaParams, x: number, total: number): number {
  const px = p * x;
  return (
    logGamma(px + q) -
    logGamma(px) -
    logGamma(q) +
    q * Math.log(gamma) +
    (px - 1) * Math.log(total / x) +
    px * Math.log(x) -
    (px + q) * Math.log(gamma + total)
  );
}

/**
 * Σ ln f over the buyers. Every term but the last depends on the buyer only through x and ln z̄, so it
 * is summed per x (Σ ln z̄ per x is enough); only ln(γ + total) is per buyer. Equal to the per-buyer sum
 * (test/forecast-buyer.test.ts).
 */
export function totalSpendLogLikelihood(params: GammaGammaParams, buyers: readonly SpendHistory[]): number {
  return aggregatedSpendLogLikelihood(params, aggregateSpends(buyers));
}

/** Buyers grouped by active months: count, Σ ln z̄ and every total (for ln(γ + total)). */
export interface SpendGroups {
  byX: Map<number, { count: number; sumLogMean: number; totals: Float64Array }>;
}

export function aggregateSpends(buyers: readonly SpendHistory[]): SpendGroups {
  const lists = new Map<number, { count: number; sumLogMean: number; totals: number[] }>();
  for (const b of buyers) {
    const g = lists.get(b.x) ?? { count: 0, sumLogMean: 0, totals: [] };
    g.count++;
    g.sumLogMean += Math.log(b.total / b.x);
    g.totals.push(b.total);
    lists.set(b.x, g);
  }
  return {
    byX: new Map([...lists].map(([x, g]) => [x, { ...g, totals: Float64Array.from(g.totals) }])),
  };
}

export function aggregatedSpendLogLikelihood({ p, q, gamma }: GammaGammaParams, groups: SpendGroups): number {
  let s = 0;
  for (const [x, g] of groups.byX) {
    const px = p * x;
    s +=
      g.count * (logGamma(px + q) - logGamma(px) - logGamma(q) + q * Math.log(gamma) + px * Math.log(x)) +
      (px - 1) * g.sumLogMean;
    let tail = 0;
    for (const total of g.totals) tail += Math.log(gamma + total);
    s -= (px + q) * tail;
  }
  return s;
}

export const spendParamsFromLog = (v: readonly number[]): GammaGammaParams => ({
  p: Math.exp(v[0]!),
  // q > 1, or the mean spend does not exist: q = 1 + e^v.
  q: 1 + Math.exp(v[1]!),
  gamma: Math.exp(v[2]!),
});

export const logOfSpendParams = (s: GammaGammaParams): number[] => [
  Math.log(s.p),
  Math.log(s.q - 1),
  Math.log(s.gamma),
];

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  buyers: number;
  /** The buyers' sufficient statistics, for the curvature. */
  groups: SpendGroups;
}

/**
 * Maximum likelihood over buyers with positive spend, on log parameters. The start puts the prior
 * mean spend pγ/(q−1) at the buyers' mean spend per month, on its scale (so the simplex starts near
 * the optimum whatever the currency). Null without any such buyer.
 */
export function fitGammaGamma(buyers: readonly SpendHistory[]): GammaGammaFit | null {
  const usable = buyers.filter((b) => b.x > 0 && b.total > 0);
  if (usable.length === 0) return null;
  const mean = usable.reduce((s, b) => s + b.total, 0) / usable.reduce((s, b) => s + b.x, 0);
  const groups = aggregateSpends(usable);
  const objective = (v: readonly number[]) =>
    v.some((t) => Math.abs(t) > 30)
      ? Number.POSITIVE_INFINITY
      : -aggregatedSpendLogLikelihood(spendParamsFromLog(v), groups);
  // p = 1, q = 3, γ = 2·mean: prior mean = mean.
  const start = [0, Math.log(2), Math.log(2 * mean)];
  let best = nelderMead(objective, start, { step: 1 });
  best = nelderMead(objective, best.x, { step: 0.2 });
  return { params: spendParamsFromLog(best.x), logLikelihood: -best.value, buyers: usable.length, groups };
}

/**
 * E[spend per transaction | x active months with this total]: p (γ + total) / (p x + q − 1), the
 * posterior mean of p/ν (FHL 2005 eq. 5). With x = 0 it is the population mean pγ/(q−1).
 */
export function expectedSpend({ p, q, gamma }: GammaGammaParams, x: number, total: number): number {
  return (p * (gamma + total)) / (p * x + q - 1);
}
