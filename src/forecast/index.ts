/** LTV, ROMI and payback forecasts for young cohorts, and their backtest (docs/decisions.md, "Forecasts"). */
export {
  type BacktestCase,
  type BacktestModel,
  type BacktestOptions,
  type BacktestResult,
  type BacktestSummary,
  backtestLtv,
} from "./backtest.ts";
export {
  BUYER_FORECAST_DEFAULTS,
  type BuyerForecastOptions,
  type BuyerHistory,
  type BuyerMonth,
  buyerHistories,
  forecastLtvByBuyers,
} from "./buyer-forecast.ts";
export { readBuyerHistories, readBuyerWeights } from "./buyer-months.ts";
export {
  type BuyerForecastBasis,
  type BuyerShare,
  buyerForecastBasis,
  forecastLtvByBuyersBySource,
} from "./buyer-sources.ts";
export {
  cohortCurves,
  FORECAST_DEFAULTS,
  type ForecastOptions,
  forecastLtv,
  type LtvForecastRow,
} from "./ltv-forecast.ts";
export { type CohortCurve, fitFor, type GrowthFit } from "./power-curve.ts";
export {
  forecastPayback,
  forecastRomi,
  type PaybackForecastRow,
  type RomiForecastRow,
} from "./romi-forecast.ts";
export { forecastLtvBySource } from "./source-shapes.ts";
