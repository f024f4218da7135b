/**
 * The buyer-level forecast per source (`--forecast-model buyer`): each source's cohorts are forecast
 * from its own attributed buyers' histories with the pooled BG/BB + Gamma-Gamma fit (fitted once on
 * every buyer of the slice, buyer-forecast.ts). A buyer counts in a source with its attribution weight
 * under the run's model (first and last touch: 1 in one source; linear: its share of sessions), so
 *
 *   LTV_s(c, k) = LTV_s(c, a) + Σ_{buyers i of c} w_is · Σ_{j=1..k−a} E[X_i,a+j] · E[spend_i] / size_s(c)
 *
 * with size_s(c) = Σ_i w_is, the source's attributed buyers of the cohort (the source's LTV matrix).
 * Every buyer's weights sum to 1 over the sources (`unattributed` included), so the sources' expected
 * revenues, size_s · LTV_s, add up to the pooled forecast's under every attribution model.
 *
 * Interval: the pooled model's method per source. One parametric bootstrap per cohort simulates every
 * buyer once per replicate and adds its revenue to its sources by weight (predictSinks), so a source's
 * replicates hold the parameters' uncertainty and its own buyers' chance (large for a small source);
 * their log half-widths are added in quadrature to the pooled cohort spread (the older cohorts' misses
 * from the same anchor, cohortSpread). Why the pooled spread and not each source's own: a small
 * source's own misses are mostly its few buyers' chance, which the bootstrap already holds (counting it
 * twice would over-cover), and two or more of its cohorts past every anchor are rarely there.
 */
import type { LtvRow } from "../metrics/tables.ts";
import {
  BUYER_FORECAST_DEFAULTS,
  type BuyerForecastOptions,
  type BuyerHistory,
  type BuyerModel,
  type CohortSpread,
  cohortSpread,
  fitBuyerModel,
  forecastByBuyers,
  forecastRows,
  lastObservedMonth,
  predictSinks,
  type Shares,
  type Sink,
  type SinkPrediction,
  stateAt,
} from "./buyer-forecast.ts";
import { cohortCurves, FORECAST_DEFAULTS, type LtvForecastRow } from "./ltv-forecast.ts";
import { monthIndex } from "./months.ts";
import type { CohortCurve } from "./power-curve.ts";

/** A buyer's attribution weight in one source (`unattributed` for buyers without a qualifying session). */
export interface BuyerShare {
  source: string;
  weight: number;
}

/** The pooled buyer-level forecast and what its per-source forecasts reuse: the curves, buyers and fit. */
export interface BuyerForecastBasis {
  curves: CohortCurve[];
  histories: readonly BuyerHistory[];
  model: BuyerModel | null;
  /** The pooled forecast grid (forecastLtvByBuyers' rows). */
  rows: LtvForecastRow[];
}

/** Fits the buyer-level model once on every buyer of `histories` and forecasts the pooled grid. */
export function buyerForecastBasis(
  ltv: readonly LtvRow[],
  histories: readonly BuyerHistory[],
  options: BuyerForecastOptions = {},
): BuyerForecastBasis {
  const curves = cohortCurves(ltv);
  const model = curves.length === 0 ? null : fitBuyerModel(histories, lastObservedMonth(curves));
  const rows = curves.length === 0 ? [] : forecastByBuyers(curves, curves, histories, model, options);
  return { curves, histories, model, rows };
}

/**
 * Per source (the keys of `bySource`, the sources' LTV matrices: attributed revenue and buyers per
 * buyer cohort), its forecast grid under the basis' pooled fit, each buyer counted with `weights`
 * (buyer key → its shares). A cohort is forecast for a source exactly when the pooled forecast has it
 * (the same fit, anchor and cohort spread); null cells otherwise.
 */
export function forecastLtvByBuyersBySource(
  bySource: ReadonlyMap<string, readonly LtvRow[]>,
  basis: BuyerForecastBasis,
  weights: ReadonlyMap<string, readonly BuyerShare[]>,
  options: BuyerForecastOptions = {},
): Map<string, LtvForecastRow[]> {
  const { maxLifetime, level, draws, seed } = {
    ...FORECAST_DEFAULTS,
    ...BUYER_FORECAST_DEFAULTS,
    ...options,
  };
  const sources = [...bySource.keys()];
  const curves = sources.map((s) => new Map(cohortCurves(bySource.get(s)!).map((c) => [c.cohort, c])));
  // Per cohort, per source index: the prediction, when there is one.
  const predicted = new Map<string, Map<number, SinkPrediction>>();
  const spreads = new Map<number, CohortSpread | null>();
  const { model, histories } = basis;
  for (const [index, pooled] of basis.curves.entries()) {
    const anchor = pooled.ltv.length - 1;
    const horizon = maxLifetime - 1 - anchor;
    if (!model || anchor < 0 || horizon <= 0) continue;
    if (!spreads.has(anchor)) spreads.set(anchor, cohortSpread(basis.curves, histories, model, anchor));
    const spread = spreads.get(anchor)!;
    if (!spread || !(pooled.size > 0)) continue;
    // A sink per source with buyers in the cohort. Its curve is observed through the same lifetime as
    // the pooled one (one window end for every source), so it is forecast from the same anchor.
    const sinks: Sink[] = [];
    const owner: number[] = [];
    const sinkOf = new Map<string, number>();
    for (const [i, source] of sources.entries()) {
      const curve = curves[i]!.get(pooled.cohort);
      if (!curve || !(curve.size > 0) || curve.ltv.length !== pooled.ltv.length) continue;
      sinkOf.set(source, sinks.length);
      sinks.push({ observed: curve.ltv.at(-1)!, size: curve.size });
      owner.push(i);
    }
    const cohortIndex = monthIndex(pooled.cohort);
    const buyers = histories
      .filter((h) => h.cohortIndex === cohortIndex)
      .map((h) => stateAt(h, model.cut, sharesOf(h, weights, sinkOf)));
    if (buyers.length === 0) continue;
    // The pooled run's seed for this cohort: the same simulated futures, split by source.
    const out = predictSinks(buyers, sinks, model, spread, horizon, anchor, level, draws, seed + index);
    predicted.set(pooled.cohort, new Map(out.map((p, s) => [owner[s]!, p])));
  }
  return new Map(
    sources.map((source, i) => [
      source,
      [...curves[i]!.values()].flatMap((curve) =>
        forecastRows(curve, maxLifetime, predicted.get(curve.cohort)?.get(i) ?? null),
      ),
    ]),
  );
}

/**
 * A buyer's weights as sink indices. Every new buyer of the slice has weights (the cube gives each one
 * rows summing to 1 under every model, `unattributed` included) and every source it has weight in has
 * the cohort in its matrix; either missing would lose revenue from the per-source forecasts, so it is
 * an error, not a silent drop.
 */
function sharesOf(
  h: BuyerHistory,
  weights: ReadonlyMap<string, readonly BuyerShare[]>,
  sinkOf: ReadonlyMap<string, number>,
): Shares {
  const own = weights.get(h.buyer);
  if (!own)
    throw new Error(
      `buyer-level forecast: buyer ${h.buyer} of cohort ${h.cohort} has no attribution weights`,
    );
  return own
    .filter((w) => w.weight !== 0)
    .map((w) => {
      const sink = sinkOf.get(w.source);
      if (sink === undefined)
        throw new Error(
          `buyer-level forecast: source ${w.source} credits a buyer of cohort ${h.cohort} but has no such cohort`,
        );
      return [sink, w.weight] as const;
    });
}
