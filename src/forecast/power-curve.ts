/**
 * The pooled power curve of cumulative LTV: a cohort observed through lifetime a (its anchor) is
 * forecast as LTV(k) = LTV(a) · ((k + 1) / (a + 1))^b for k > a. The exponent b is fitted on the
 * cohorts that are observed beyond a, by weighted least squares on log growth through the origin:
 *
 *   y = ln(LTV(c, k) / LTV(c, a)),  x = ln((k + 1) / (a + 1)),  b = Σ w·x·y / Σ w·x²,  w = size(c)
 *
 * (closed form; a buyer cohort's sampling variance of log growth falls like 1 / size). A power curve
 * has the same b from every anchor, so b is fitted once, on the growth from lifetime 0 of every cohort
 * observed beyond it, and applied from each cohort's own last observed lifetime. (Fitting b per anchor,
 * on the pairs anchored at a, follows a bending curve more closely but rests on fewer cohorts; on the
 * Afisha backtest it was worse from 2 and 3 observed months: docs/decisions.md.)
 *
 * Uncertainty: each training cohort's own slope b_c = Σ x·y / Σ x² over its lifetimes; their spread τ
 * around the pooled b is how far one cohort strays from the shape. A new cohort's log growth at x is
 * b·x ± t(n−1) · |x| · √(τ² + Var b̂) (prediction interval of a random slope; randomSlopeFit). From a
 * later anchor, when two or more cohorts have grown past it, the scale is instead what the forecast
 * from that anchor misses by out of sample (afterAnchorSpread).
 */

/** One cohort's observed cumulative LTV, lifetimes 0..n−1 (a prefix: no gaps). */
export interface CohortCurve {
  cohort: string;
  /** Buyers of the cohort (its weight). */
  size: number;
  ltv: number[];
}

export interface GrowthFit {
  /** The anchor lifetime this fit forecasts from (the last observed lifetime of a cohort). */
  anchor: number;
  /** The anchor whose pairs were fitted (0 for the pooled fit). */
  fittedAnchor: number;
  /** Exponent of the power curve. */
  b: number;
  /** Spread of the cohorts' own exponents around b (randomSlopeFit); null with a single cohort. */
  tau: number | null;
  /** Training cohorts, and their effective number (ΣW)² / ΣW² under the fitting weights W = size · Σx². */
  cohorts: number;
  effectiveCohorts: number;
  /** Variance of the estimate of b (τ² / n_eff for a pooled fit; smaller after shrinkage); null with τ. */
  slopeVariance: number | null;
  /**
   * How far a new cohort's log growth may stray, per unit of x: √(τ² + Var b̂) from the random slopes,
   * or the out-of-sample error of the cohorts' growth after the anchor (afterAnchorSpread). Null: no
   * interval. `df`: degrees of freedom of the interval's t quantile.
   */
  predictionSd: number | null;
  df: number;
}

/** Fewest training cohorts for a fit: with one, nothing says how far the next one may stray. */
export const MIN_TRAINING_COHORTS = 2;

/** The fit on the pairs anchored exactly at `anchor`, or null when fewer than `minCohorts` qualify. */
export function fitAtAnchor(
  curves: readonly CohortCurve[],
  anchor: number,
  minCohorts = MIN_TRAINING_COHORTS,
): GrowthFit | null {
  const slopes: { w: number; sxx: number; sxy: number }[] = [];
  for (const curve of curves) {
    const base = curve.ltv[anchor];
    if (curve.ltv.length <= anchor + 1 || base === undefined || !(base > 0) || !(curve.size > 0)) continue;
    let sxx = 0;
    let sxy = 0;
    for (let k = anchor + 1; k < curve.ltv.length; k++) {
      const x = Math.log((k + 1) / (anchor + 1));
      sxx += x * x;
      sxy += x * Math.log(curve.ltv[k]! / base);
    }
    slopes.push({ w: curve.size, sxx, sxy });
  }
  if (slopes.length < minCohorts || slopes.length === 0) return null;
  return randomSlopeFit(anchor, slopes);
}

/**
 * The pooled exponent and its spread from each cohort's sums (Σx², Σxy) and size. b is the weighted
 * mean of the cohorts' own slopes b_c = Σxy / Σx² with weights W_c = size · Σx² (that is what the
 * least squares over all pairs computes). Random slopes, b_c = b + u_c with Var u_c = τ², give
 * Var(b̂) = τ² · ΣW² / (ΣW)²: the weights that fit b are the ones that say how well it is known (the
 * long-observed cohorts dominate both). τ² is estimated from the size-weighted squared deviations from
 * b̂ itself, divided by their expectation per unit τ², Σ s_c (1 − 2W_c/ΣW + ΣW²/(ΣW)²), so it is
 * unbiased for any weights (n − 1 with equal ones).
 */
export function randomSlopeFit(
  anchor: number,
  slopes: readonly { w: number; sxx: number; sxy: number }[],
): GrowthFit {
  let sW = 0;
  let sW2 = 0;
  let sWb = 0;
  for (const s of slopes) {
    const W = s.w * s.sxx;
    sW += W;
    sW2 += W * W;
    // W_c · b_c = size · Σxy.
    sWb += s.w * s.sxy;
  }
  const b = sWb / sW;
  const concentration = sW2 / (sW * sW);
  let tau: number | null = null;
  if (slopes.length >= 2) {
    let spread = 0;
    let expected = 0;
    for (const s of slopes) {
      spread += s.w * (s.sxy / s.sxx - b) ** 2;
      expected += s.w * (1 - (2 * s.w * s.sxx) / sW + concentration);
    }
    tau = expected > 0 ? Math.sqrt(spread / expected) : 0;
  }
  return {
    anchor,
    fittedAnchor: anchor,
    b,
    tau,
    cohorts: slopes.length,
    effectiveCohorts: 1 / concentration,
    slopeVariance: tau === null ? null : tau * tau * concentration,
    predictionSd: tau === null ? null : Math.sqrt(tau * tau * (1 + concentration)),
    df: Math.max(1, slopes.length - 1),
  };
}

/**
 * The pooled fit used from `anchor` (b fitted on growth from lifetime 0), or null with too few
 * cohorts. From a later anchor its interval is the out-of-sample spread of growth after the anchor
 * when at least two cohorts show it (afterAnchorSpread), else the random-slope spread.
 */
export function fitFor(curves: readonly CohortCurve[], anchor: number): GrowthFit | null {
  const fit = fitAtAnchor(curves, 0);
  if (!fit) return null;
  const after = anchor > 0 ? afterAnchorSpread(curves, anchor) : null;
  return { ...fit, anchor, ...(after ?? {}) };
}

/**
 * Leave-one-cohort-out errors of the growth after `anchor`: for every cohort observed beyond it, its
 * own exponent of growth after the anchor (Σxy / Σx², x = ln((k+1)/(a+1))) minus the pooled b fitted
 * without it. Their size-weighted root mean square is the interval's scale: it measures what the
 * forecast from this anchor actually misses by, the curve's bend away from a power law included, which
 * the spread of exponents from lifetime 0 cannot see (the cohorts agree on the shape, and the shape is
 * wrong). Errors of a fit the cohort took no part in have mean 0 when the forecast is unbiased, so the
 * t quantile has the effective number of them as degrees of freedom. Null with fewer than two.
 */
export function afterAnchorSpread(
  curves: readonly CohortCurve[],
  anchor: number,
): { predictionSd: number; df: number } | null {
  let sw = 0;
  let sw2 = 0;
  let swe = 0;
  let count = 0;
  for (const curve of curves) {
    const base = curve.ltv[anchor];
    if (curve.ltv.length <= anchor + 1 || base === undefined || !(base > 0) || !(curve.size > 0)) continue;
    const others = fitAtAnchor(
      curves.filter((c) => c !== curve),
      0,
      1,
    );
    if (!others) continue;
    let sxx = 0;
    let sxy = 0;
    for (let k = anchor + 1; k < curve.ltv.length; k++) {
      const x = Math.log((k + 1) / (anchor + 1));
      sxx += x * x;
      sxy += x * Math.log(curve.ltv[k]! / base);
    }
    const error = sxy / sxx - others.b;
    sw += curve.size;
    sw2 += curve.size * curve.size;
    swe += curve.size * error * error;
    count++;
  }
  if (count < 2) return null;
  return { predictionSd: Math.sqrt(swe / sw), df: (sw * sw) / sw2 };
}

/** Point forecast and interval of LTV(k) for a cohort whose last observed lifetime is `fit.anchor`. */
export function predictFromAnchor(
  base: number,
  fit: GrowthFit,
  lifetime: number,
  tQuantile: number,
): { ltv: number; low: number | null; high: number | null } {
  const x = Math.log((lifetime + 1) / (fit.anchor + 1));
  const ltv = base * Math.exp(fit.b * x);
  if (fit.predictionSd === null) return { ltv, low: null, high: null };
  const half = tQuantile * x * fit.predictionSd;
  // Cumulative LTV never falls: the interval's lower end is at least what is already observed.
  return {
    ltv,
    low: Math.max(base, base * Math.exp(fit.b * x - half)),
    high: base * Math.exp(fit.b * x + half),
  };
}
