/**
 * Per-source LTV shapes shrunk toward the pooled one. A source's own exponent b_s rests on its few,
 * small cohorts; the pooled b on all of them. Empirical Bayes (a random-effects meta-analysis of the
 * sources' exponents): b_s* = b + B_s · (b_s − b), B_s = σ² / (σ² + v_s), where v_s is the variance of
 * the source's own estimate and σ² the spread of the true exponents between sources
 * (DerSimonian–Laird, method of moments, floored at 0). A source with one cohort, or with a noisy
 * estimate, takes the pooled shape; a source with many consistent cohorts keeps its own.
 */
import type { LtvRow } from "../metrics/tables.ts";
import {
  cohortCurves,
  FORECAST_DEFAULTS,
  type ForecastOptions,
  forecastCurves,
  type LtvForecastRow,
} from "./ltv-forecast.ts";
import { fitFor, type GrowthFit } from "./power-curve.ts";

/** Below this, the variance of an exponent is rounding noise: the curve was followed exactly. */
const EXACT = 1e-12;

/** DerSimonian–Laird between-source variance of exponents with known variances `v`. */
export function betweenSourceVariance(estimates: readonly { b: number; v: number }[]): number {
  const usable = estimates.filter((e) => e.v >= 0);
  if (usable.length < 2) return 0;
  // A variance of (numerically) 0 would make its weight swamp the sums in double precision.
  const w = usable.map((e) => 1 / Math.max(e.v, EXACT));
  const sw = w.reduce((s, x) => s + x, 0);
  const mean = usable.reduce((s, e, i) => s + w[i]! * e.b, 0) / sw;
  const q = usable.reduce((s, e, i) => s + w[i]! * (e.b - mean) ** 2, 0);
  const denominator = sw - w.reduce((s, x) => s + x * x, 0) / sw;
  return Math.max(0, (q - (usable.length - 1)) / denominator);
}

/** The source's fit shrunk toward `pooled`; the pooled fit itself when the source has none. */
export function shrinkFit(own: GrowthFit | null, pooled: GrowthFit, between: number): GrowthFit {
  if (!own || own.slopeVariance === null || pooled.slopeVariance === null) return pooled;
  // An estimate without noise (every cohort of the source on one curve) needs no help from the pool.
  const weight = own.slopeVariance < EXACT ? 1 : between / (between + own.slopeVariance);
  const slopeVariance = weight * own.slopeVariance;
  return {
    ...own,
    b: pooled.b + weight * (own.b - pooled.b),
    // Cohort-to-cohort spread of the source itself; the shrunk estimate is surer than its own.
    slopeVariance,
    predictionSd: own.tau === null ? null : Math.sqrt(own.tau * own.tau + slopeVariance),
  };
}

/**
 * LTV forecasts per source from per-source LTV matrices (attributed revenue and buyers per source and
 * buyer cohort), each source's shape shrunk toward the shape of `pooled` (the all-sources matrix).
 */
export function forecastLtvBySource(
  bySource: ReadonlyMap<string, readonly LtvRow[]>,
  pooled: readonly LtvRow[],
  options: ForecastOptions = {},
): Map<string, LtvForecastRow[]> {
  const { maxLifetime, level } = { ...FORECAST_DEFAULTS, ...options };
  const pooledFit = fitFor(cohortCurves(pooled), 0);
  const curves = new Map([...bySource].map(([source, rows]) => [source, cohortCurves(rows)]));
  const ownFits = new Map([...curves].map(([source, c]) => [source, fitFor(c, 0)]));
  const between = betweenSourceVariance(
    [...ownFits.values()].flatMap((f) =>
      f && f.slopeVariance !== null ? [{ b: f.b, v: f.slopeVariance }] : [],
    ),
  );
  const out = new Map<string, LtvForecastRow[]>();
  for (const [source, sourceCurves] of curves) {
    const own = ownFits.get(source) ?? null;
    const fit = pooledFit ? shrinkFit(own, pooledFit, between) : own;
    out.set(
      source,
      forecastCurves(sourceCurves, sourceCurves, maxLifetime, level, (anchor) => fit && { ...fit, anchor }),
    );
  }
  return out;
}
