/**
 * Rolling-origin backtest of the LTV forecast on the user's own orders. For each scored cohort c and
 * each number m of observed months, the data is cut at the end of month c + m − 1: every cell
 * (c', k) with c' + k after the cut is hidden, the curve is refitted on what remains and LTV(c, H−1)
 * is forecast and compared with what actually happened.
 *
 * The buyer-level model (buyer-forecast.ts), when the buyers' months are given, is refitted at each
 * cut on the buyers as they stood then (their months after the cut ignored) and scored beside it.
 *
 * Hiding cells is the same as cutting the orders: a buyer cohort's size is fixed once its month has
 * passed, and cumulative revenue through lifetime k only counts orders up to month c + k (tested
 * against a real cut in test/forecast-backtest.test.ts).
 */
import type { LtvRow } from "../metrics/tables.ts";
import { type BuyerHistory, type BuyerModel, fitBuyerModel, forecastByBuyers } from "./buyer-forecast.ts";
import { cohortCurves, FORECAST_DEFAULTS, forecastCurves } from "./ltv-forecast.ts";
import { addMonths, monthIndex } from "./months.ts";
import { type CohortCurve, fitFor } from "./power-curve.ts";

export interface BacktestOptions {
  /** LTV at this horizon, i.e. lifetime H−1, is forecast. */
  horizon: number;
  /** Observed months to forecast from (default 1, 2, 3); values ≥ H are skipped (nothing to forecast). */
  observedMonths?: readonly number[];
  /** Scored cohorts (`YYYY-MM`, inclusive); default every cohort whose lifetime H−1 is observed. */
  fromCohort?: string;
  toCohort?: string;
  /** Interval coverage (default 0.8). */
  level?: number;
  /**
   * Every new buyer's months (buyer-forecast.ts): with them the buyer-level model is scored beside the
   * power curve, on the same cases; without them only the power curve and the baseline.
   */
  buyers?: readonly BuyerHistory[];
  /** Bootstrap replicates of the buyer-level interval (default 200). */
  draws?: number;
}

/** One forecast against its outcome. */
export interface BacktestCase {
  cohort: string;
  observedMonths: number;
  /** Last month of data the forecast saw (`YYYY-MM`). */
  cut: string;
  actual: number;
  /** Power-curve forecast and interval; null when fewer than two cohorts could train it. */
  forecast: number | null;
  low: number | null;
  high: number | null;
  /** The "no further growth" baseline: LTV at the last observed lifetime. */
  naive: number;
  trainingCohorts: number;
  /** Buyer-level (BG/BB + Gamma-Gamma) forecast and interval; null when not run or not possible. */
  buyerForecast: number | null;
  buyerLow: number | null;
  buyerHigh: number | null;
}

export type BacktestModel = "power-curve" | "buyer-level" | "no-growth";

/** Accuracy of one model from one number of observed months. */
export interface BacktestSummary {
  model: BacktestModel;
  /** Observed months forecast from; null: every case of the run pooled. */
  observedMonths: number | null;
  /** Forecasts scored (cases without a forecast are counted in `unscored`). */
  cases: number;
  unscored: number;
  /** Mean absolute percentage error, mean signed percentage error (forecast − actual) / actual. */
  mape: number | null;
  bias: number | null;
  /** Share of actual values inside the interval (null for the baseline, which has none). */
  coverage: number | null;
  /** Cases with an interval. */
  intervals: number;
}

export interface BacktestResult {
  horizon: number;
  level: number;
  cohorts: string[];
  cases: BacktestCase[];
  summary: BacktestSummary[];
}

/** Runs the rolling-origin backtest over an LTV matrix (metrics `tables.ltv`). */
export function backtestLtv(ltv: readonly LtvRow[], options: BacktestOptions): BacktestResult {
  const horizon = options.horizon;
  const level = options.level ?? FORECAST_DEFAULTS.level;
  const observedMonths = [...(options.observedMonths ?? [1, 2, 3])].filter((m) => m >= 1 && m < horizon);
  const curves = cohortCurves(ltv);
  const scored = curves.filter(
    (c) =>
      c.ltv.length >= horizon &&
      (options.fromCohort === undefined || c.cohort >= options.fromCohort) &&
      (options.toCohort === undefined || c.cohort <= options.toCohort),
  );
  const cases: BacktestCase[] = [];
  const buyers = options.buyers;
  // One buyer-level fit per cut: cohort c from m months and c + 1 from m − 1 share it.
  const buyerModels = new Map<number, BuyerModel | null>();
  const buyerModelAt = (cut: number) => {
    if (!buyerModels.has(cut)) buyerModels.set(cut, buyers ? fitBuyerModel(buyers, cut) : null);
    return buyerModels.get(cut)!;
  };
  for (const target of scored) {
    for (const m of observedMonths) {
      const cut = addMonths(target.cohort, m - 1);
      const training = hideAfter(curves, monthIndex(cut));
      const seen = training.find((c) => c.cohort === target.cohort)!;
      const fit = fitFor(training, m - 1);
      const [row] = forecastCurves([seen], training, horizon, level, () => fit).filter(
        (r) => r.lifetime === horizon - 1,
      );
      const buyerRow = buyers
        ? forecastByBuyers([seen], training, buyers, buyerModelAt(monthIndex(cut)), {
            maxLifetime: horizon,
            level,
            ...(options.draws ? { draws: options.draws } : {}),
          }).find((r) => r.lifetime === horizon - 1)
        : undefined;
      cases.push({
        cohort: target.cohort,
        observedMonths: m,
        cut,
        actual: target.ltv[horizon - 1]!,
        forecast: row?.ltv ?? null,
        low: row?.ltv_low ?? null,
        high: row?.ltv_high ?? null,
        naive: target.ltv[m - 1]!,
        trainingCohorts: fit?.cohorts ?? 0,
        buyerForecast: buyerRow?.ltv ?? null,
        buyerLow: buyerRow?.ltv_low ?? null,
        buyerHigh: buyerRow?.ltv_high ?? null,
      });
    }
  }
  // One row per observed months, then every case pooled (observedMonths null).
  const summary = [...observedMonths.map((m) => m as number | null), null].flatMap((m) => {
    const own = cases.filter((c) => m === null || c.observedMonths === m);
    return [
      summarize(
        "power-curve",
        m,
        own,
        (c) => c.forecast,
        (c) => c.forecast,
        (c) => [c.low, c.high],
      ),
      ...(buyers
        ? [
            summarize(
              "buyer-level",
              m,
              own,
              (c) => c.buyerForecast,
              (c) => c.buyerForecast,
              (c) => [c.buyerLow, c.buyerHigh],
            ),
          ]
        : []),
      summarize(
        "no-growth",
        m,
        own,
        (c) => c.forecast,
        (c) => c.naive,
        null,
      ),
    ];
  });
  return { horizon, level, cohorts: scored.map((c) => c.cohort), cases, summary };
}

/**
 * The no-growth baseline scored on the cases where `model` has a forecast (the backtest's own
 * no-growth rows are on the power curve's): the baseline beside the buyer-level model's rows compares
 * like with like. `observedMonths` null: every case pooled.
 */
export function baselineOn(
  cases: readonly BacktestCase[],
  model: Exclude<BacktestModel, "no-growth">,
  observedMonths: number | null,
): BacktestSummary {
  const own = cases.filter((c) => observedMonths === null || c.observedMonths === observedMonths);
  const scoredWhen =
    model === "buyer-level" ? (c: BacktestCase) => c.buyerForecast : (c: BacktestCase) => c.forecast;
  return summarize("no-growth", observedMonths, own, scoredWhen, (c) => c.naive, null);
}

/** The case that moves a row's MAPE most, and what the row reads without it. */
export interface LargestMiss {
  model: Exclude<BacktestModel, "no-growth">;
  observedMonths: number;
  cohort: string;
  /** (forecast − actual) / actual of that case. */
  error: number;
  /** MAPE of the row's other scored cases. */
  mapeWithout: number;
  /** The row's other scored cases (at least one). */
  others: number;
}

/**
 * Per number of observed months, `model`'s scored case with the largest absolute percentage error and
 * the MAPE of the others: with five to seven cases a row, one cohort (often one customer's orders
 * after the cut) can decide whether a MAPE bar is met, and a reader should see which. It is a second
 * figure beside the row's MAPE, never a replacement for it. Rows with fewer than two scored cases
 * have none.
 */
export function largestMisses(
  result: Pick<BacktestResult, "cases">,
  model: Exclude<BacktestModel, "no-growth">,
): LargestMiss[] {
  const forecastOf =
    model === "buyer-level" ? (c: BacktestCase) => c.buyerForecast : (c: BacktestCase) => c.forecast;
  const byMonths = new Map<number, { cohort: string; error: number }[]>();
  for (const c of result.cases) {
    const forecast = forecastOf(c);
    if (forecast === null || !(c.actual > 0)) continue;
    const list = byMonths.get(c.observedMonths) ?? [];
    list.push({ cohort: c.cohort, error: (forecast - c.actual) / c.actual });
    byMonths.set(c.observedMonths, list);
  }
  const out: LargestMiss[] = [];
  for (const [observedMonths, errors] of [...byMonths].sort(([a], [b]) => a - b)) {
    if (errors.length < 2) continue;
    // The first of equal misses, in cohort order (cases are in cohort order).
    let worst = errors[0]!;
    for (const e of errors) if (Math.abs(e.error) > Math.abs(worst.error)) worst = e;
    const others = errors.filter((e) => e !== worst);
    const mapeWithout = others.reduce((sum, e) => sum + Math.abs(e.error), 0) / others.length;
    out.push({
      model,
      observedMonths,
      cohort: worst.cohort,
      error: worst.error,
      mapeWithout,
      others: others.length,
    });
  }
  return out;
}

/** The curves as they were at the end of month index `cut`: later cohorts gone, later cells cut off. */
export function hideAfter(curves: readonly CohortCurve[], cut: number): CohortCurve[] {
  return curves
    .map((c) => ({ ...c, ltv: c.ltv.slice(0, Math.max(0, cut - monthIndex(c.cohort) + 1)) }))
    .filter((c) => c.ltv.length > 0);
}

/**
 * Scores one model on the cases where `scoredWhen` has a forecast: each forecast model on its own (a
 * case it cannot forecast is counted as unscored, never dropped), the baseline on the power curve's
 * cases, so its numbers stay comparable with the power curve's.
 */
function summarize(
  model: BacktestModel,
  observedMonths: number | null,
  cases: readonly BacktestCase[],
  scoredWhen: (c: BacktestCase) => number | null,
  predicted: (c: BacktestCase) => number | null,
  interval: ((c: BacktestCase) => [number | null, number | null]) | null,
): BacktestSummary {
  const errors: number[] = [];
  let inside = 0;
  let intervals = 0;
  for (const c of cases) {
    const p = predicted(c);
    if (scoredWhen(c) === null || p === null || !(c.actual > 0)) continue;
    errors.push((p - c.actual) / c.actual);
    const [low, high] = interval ? interval(c) : [null, null];
    if (low !== null && high !== null) {
      intervals++;
      if (c.actual >= low && c.actual <= high) inside++;
    }
  }
  const mean = (xs: number[]) => (xs.length > 0 ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
  return {
    model,
    observedMonths,
    cases: errors.length,
    unscored: cases.length - errors.length,
    mape: mean(errors.map(Math.abs)),
    bias: mean(errors),
    coverage: interval && intervals > 0 ? inside / intervals : null,
    intervals,
  };
}
