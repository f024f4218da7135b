import type { LtvRow } from "../metrics/tables.ts";
import { type CohortCurve, fitFor, type GrowthFit, predictFromAnchor } from "./power-curve.ts";
import { studentTQuantile } from "./student-t.ts";

/** One cell of the forecast LTV grid: observed as measured, or predicted with its interval. */
export interface LtvForecastRow {
  cohort: string;
  lifetime: number;
  cohort_size: number;
  /** Observed LTV, or the point forecast; null when no forecast can be made (too few older cohorts). */
  ltv: number | null;
  /** Forecast interval; null for observed cells and when the fit rests on a single cohort. */
  ltv_low: number | null;
  ltv_high: number | null;
  /** True: measured. False: forecast, never to be shown as a fact. */
  observed: boolean;
}

export interface ForecastOptions {
  /** Lifetimes 0..maxLifetime−1 are forecast (default 12 months). */
  maxLifetime?: number;
  /** Coverage of the interval (default 0.8). */
  level?: number;
}

export const FORECAST_DEFAULTS = { maxLifetime: 12, level: 0.8 } as const;

/** The observed prefix of each cohort's LTV curve, in cohort order. Cells after the first null are ignored. */
export function cohortCurves(ltv: readonly LtvRow[]): CohortCurve[] {
  const byCohort = new Map<string, { size: number; cells: LtvRow[] }>();
  for (const row of ltv) {
    const entry = byCohort.get(row.cohort) ?? { size: row.cohort_size, cells: [] };
    entry.cells.push(row);
    byCohort.set(row.cohort, entry);
  }
  return [...byCohort]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([cohort, { size, cells }]) => {
      cells.sort((a, b) => a.lifetime - b.lifetime);
      const values: number[] = [];
      for (const [i, cell] of cells.entries()) {
        if (cell.lifetime !== i || cell.ltv === null) break;
        values.push(cell.ltv);
      }
      return { cohort, size, ltv: values };
    });
}

/**
 * LTV(c, k) for every cohort and lifetime 0..maxLifetime−1: observed cells as they are, the others
 * forecast by the pooled power curve (power-curve.ts) from the cohort's last observed lifetime, with
 * a `level` prediction interval. Cohorts with nothing observed get null cells.
 */
export function forecastLtv(ltv: readonly LtvRow[], options: ForecastOptions = {}): LtvForecastRow[] {
  const { maxLifetime, level } = { ...FORECAST_DEFAULTS, ...options };
  const curves = cohortCurves(ltv);
  return forecastCurves(curves, curves, maxLifetime, level);
}

/** Forecasts `targets` with the shape fitted on `training` (the same curves, or the pooled ones). */
export function forecastCurves(
  targets: readonly CohortCurve[],
  training: readonly CohortCurve[],
  maxLifetime: number,
  level: number,
  fitOf: (anchor: number) => GrowthFit | null = memoFits(training),
): LtvForecastRow[] {
  const rows: LtvForecastRow[] = [];
  const finite = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);
  // Object literals, not spreads of a shared base: a slice builds a few thousand of these rows per
  // model, and a spread copies generically (measured ~5 ms a 4M trust slice).
  for (const curve of targets) {
    const { cohort, size } = curve;
    const anchor = curve.ltv.length - 1;
    const fit = anchor >= 0 ? fitOf(anchor) : null;
    const t = fit ? studentTQuantile((1 + level) / 2, fit.df) : 0;
    for (let lifetime = 0; lifetime < maxLifetime; lifetime++) {
      if (lifetime <= anchor) {
        const ltv = curve.ltv[lifetime]!;
        rows.push({
          cohort,
          lifetime,
          cohort_size: size,
          ltv,
          ltv_low: null,
          ltv_high: null,
          observed: true,
        });
      } else if (fit) {
        const p = predictFromAnchor(curve.ltv[anchor]!, fit, lifetime, t);
        rows.push({
          cohort,
          lifetime,
          cohort_size: size,
          ltv: finite(p.ltv),
          ltv_low: finite(p.low),
          ltv_high: finite(p.high),
          observed: false,
        });
      } else {
        rows.push({
          cohort,
          lifetime,
          cohort_size: size,
          ltv: null,
          ltv_low: null,
          ltv_high: null,
          observed: false,
        });
      }
    }
  }
  return rows;
}

/** Fits per anchor, computed once each. */
export function memoFits(training: readonly CohortCurve[]): (anchor: number) => GrowthFit | null {
  const cache = new Map<number, GrowthFit | null>();
  return (anchor) => {
    if (!cache.has(anchor)) cache.set(anchor, fitFor(training, anchor));
    return cache.get(anchor)!;
  };
}
