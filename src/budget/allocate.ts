/*
 * Budget allocation over power curves B(S) = B0 (S / S0)^beta: maximise sum of u * B(S) (u = value
 * of a new buyer) subject to sum S = budget and lo ≤ S ≤ hi, by equalising marginal value u dB/dS
 * at a common lambda found by bisection (the KKT conditions of a concave problem). A curve with
 * beta ≤ 0 (or u ≤ 0) has no positive marginal value and is held at its lower bound; beta ≥ 1 would
 * be increasing returns, which this model cannot plan, so it is treated as (almost) linear.
 */

export interface AllocationCurve {
  spendNow: number;
  buyersNow: number;
  elasticity: number;
  /** Value of one more new buyer (margin x H-month revenue per new buyer). */
  value: number;
  lo: number;
  hi: number;
}

const MAX_CONCAVE_ELASTICITY = 0.999;

/** The budget lies outside the sum of the bounds: no allocation can reach it. */
export class BudgetOutOfBounds extends RangeError {
  constructor(
    readonly budget: number,
    readonly lo: number,
    readonly hi: number,
  ) {
    super(`budget ${budget} is outside what the bounds allow (${lo} to ${hi})`);
  }
}

/** Expected buyers at spend S on the curve. */
export function buyersAt(spend: number, spendNow: number, buyersNow: number, elasticity: number): number {
  if (spendNow <= 0) return buyersNow;
  return buyersNow * (spend / spendNow) ** elasticity;
}

/** Marginal value u dB/dS at spend S (per currency unit). */
export function marginalValue(c: AllocationCurve, spend: number): number {
  return (c.value * c.elasticity * buyersAt(spend, c.spendNow, c.buyersNow, c.elasticity)) / spend;
}

/** Spend per curve; sums to `budget` (which must lie within the bounds' sum). */
export function allocate(curves: readonly AllocationCurve[], budget: number): number[] {
  const lo = curves.reduce((s, c) => s + c.lo, 0);
  const hi = curves.reduce((s, c) => s + c.hi, 0);
  if (budget < lo - 1e-9 * hi || budget > hi + 1e-9 * hi) throw new BudgetOutOfBounds(budget, lo, hi);
  const concave = curves.map((c) => c.value > 0 && c.elasticity > 0 && c.spendNow > 0 && c.buyersNow > 0);
  const at = (lambda: number): number[] =>
    curves.map((c, i) => (concave[i] ? spendForLambda(c, lambda) : c.lo));
  const total = (s: number[]): number => s.reduce((a, b) => a + b, 0);
  // At lambda -> 0 every concave curve sits at its upper bound; if even that is short of the budget,
  // the rest goes to the other curves in proportion to their headroom (it buys nothing there).
  const floor = at(Number.MIN_VALUE);
  if (total(floor) <= budget) {
    const left = budget - total(floor);
    const room = curves.reduce((s, c, i) => s + (concave[i] ? 0 : c.hi - c.lo), 0);
    return floor.map((s, i) =>
      concave[i] || room <= 0 ? s : s + (left * (curves[i]!.hi - curves[i]!.lo)) / room,
    );
  }
  let logLo = Math.log(Number.MIN_VALUE);
  let logHi = Math.log(
    Math.max(...curves.map((c, i) => (concave[i] ? marginalValue(clampBeta(c), c.lo) : 0))) * 2,
  );
  for (let k = 0; k < 200; k++) {
    const mid = (logLo + logHi) / 2;
    if (total(at(Math.exp(mid))) > budget) logLo = mid;
    else logHi = mid;
  }
  const spend = at(Math.exp(logHi));
  // Bisection leaves a rounding gap; give it to the curves not at a bound, in proportion to spend.
  const gap = budget - total(spend);
  const free = spend.reduce((s, v, i) => s + (v > curves[i]!.lo && v < curves[i]!.hi ? v : 0), 0);
  return spend.map((v, i) => (free > 0 && v > curves[i]!.lo && v < curves[i]!.hi ? v + (gap * v) / free : v));
}

function clampBeta(c: AllocationCurve): AllocationCurve {
  return { ...c, elasticity: Math.min(c.elasticity, MAX_CONCAVE_ELASTICITY) };
}

/** Solves u beta B0/S0 (S/S0)^(beta-1) = lambda for S, clamped to the bounds. */
function spendForLambda(curve: AllocationCurve, lambda: number): number {
  const c = clampBeta(curve);
  const atNow = (c.value * c.elasticity * c.buyersNow) / c.spendNow;
  const s = c.spendNow * (lambda / atNow) ** (1 / (c.elasticity - 1));
  return Math.min(c.hi, Math.max(c.lo, s));
}
